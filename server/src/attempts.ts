/**
 * Runs one provider call: admits it with the guard (rate limit, budget reservation), streams it, settles
 * what it cost, and turns any failure into the one error the client sees. Both `tollgate/chat` and
 * `tollgate/extract` call providers only through here.
 *
 * Today a call is a single attempt; the retry policy (`retry.ts`) makes this the loop over attempts,
 * each admitted and settled on its own.
 */
import { ResponseError } from 'vscode-languageserver';
import type { CallGuard } from './callGuard';
import { classify, redact, requestError, toResponseError } from './errors';
import type { Log } from './log';
import type { PreparedCall } from './preparedCall';
import type { ErrorData } from './protocol';
import type { ProviderFactory } from './providers';
import { ProviderFailure, type StreamedAnswer } from './providers/provider';

export interface AttemptDependencies {
  createProvider: ProviderFactory;
  guard: CallGuard;
  log: Log;
}

export interface AttemptHooks {
  /** Aborting it closes the provider's HTTP request. */
  signal: AbortSignal;
  /** Each piece of output text, in order. */
  onText: (text: string) => void;
}

export interface CallOutcome {
  answer: StreamedAnswer;
  /** Provider attempts made, the first included. */
  attempts: number;
  /** USD settled for every attempt. */
  costUsd: number;
}

/** Rejects with a `ResponseError<ErrorData>` only. */
export async function runAttempts(call: PreparedCall, deps: AttemptDependencies, hooks: AttemptHooks): Promise<CallOutcome> {
  const { provider, model } = call;
  const admission = await deps.guard.admit(call);
  let outputChars = 0;
  const started = Date.now();
  try {
    const answer = await deps.createProvider(provider, { apiKey: call.apiKey, baseUrl: call.baseUrl }).streamChat(
      call.request,
      (text) => {
        outputChars += text.length;
        hooks.onText(text);
      },
      hooks.signal,
    );
    const costUsd = await admission.settle({ usage: answer.usage, outputChars, reachedProvider: true });
    deps.log.info(
      `${provider}/${model}: ${answer.stopReason}, ${answer.usage.inputTokens} in / ${answer.usage.outputTokens} out, ` +
        `${Date.now() - started} ms${answer.requestId ? `, request ${answer.requestId}` : ''}`,
    );
    return { answer, attempts: 1, costUsd };
  } catch (error) {
    // No connection, or an HTTP error response before any output (the provider refused it): nothing billed.
    const refused = error instanceof ProviderFailure && (error.facts.connectionFailed || error.facts.status !== undefined);
    const reachedProvider = !(refused && outputChars === 0);
    await admission.settle({ outputChars, reachedProvider });
    throw toClientError(error, call, deps.log, Date.now() - started);
  }
}

function toClientError(error: unknown, call: PreparedCall, log: Log, elapsedMs: number): ResponseError<ErrorData> {
  const { provider, model, label, secrets } = call;
  if (!(error instanceof ProviderFailure)) {
    log.error(`${provider}/${model} failed unexpectedly: ${redact(String((error as Error)?.stack ?? error), secrets)}`);
    return requestError('server', "Tollgate's language server failed unexpectedly. See the Tollgate output for details.");
  }
  const classified = classify(error.facts);
  const detail = error.facts.providerMessage ? ` (${error.facts.providerMessage})` : '';
  log.warn(redact(`${provider}/${model} failed after ${elapsedMs} ms: ${classified.kind}${detail}`, secrets));
  return toResponseError(classified, provider, label, secrets);
}
