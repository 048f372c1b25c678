/**
 * Runs one provider call as a loop over attempts: each attempt is admitted by the guard (rate limit,
 * budget reservation — so every retry reserves again), streamed, and settled on its own; a failure goes
 * through the one retry policy (`retry.ts`), and the client hears `tollgate/retryScheduled` before each
 * wait. Both `tollgate/chat` and `tollgate/extract` call providers only through here.
 *
 * Stop during a wait cancels at once: the sleep listens to the same signal that aborts the HTTP request.
 */
import { ResponseError } from 'vscode-languageserver';
import type { CallGuard } from './callGuard';
import { classify, type ProviderError, redact, requestError, toResponseError } from './errors';
import type { Log } from './log';
import type { PreparedCall } from './preparedCall';
import type { ErrorData, RetryScheduledParams } from './protocol';
import type { ProviderFactory } from './providers';
import { type ProviderCall, ProviderFailure, type StreamedAnswer } from './providers/provider';
import { decideRetry } from './retry';

export interface AttemptDependencies {
  createProvider: ProviderFactory;
  guard: CallGuard;
  log: Log;
  /** Tells the client a retry is scheduled (`tollgate/retryScheduled`), before the wait starts. */
  notifyRetry: (params: RetryScheduledParams) => void;
  /** Waits between attempts, resolving early when `signal` aborts. Tests inject one that does not sleep. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Jitter source for the backoff, uniform in [0, 1). */
  random?: () => number;
}

/** The one failure whose request a caller can make smaller. */
export type ContextOverflow = Extract<ProviderError, { kind: 'contextWindowExceeded' }>;

export interface AttemptHooks {
  /** Aborting it closes the provider's HTTP request, or ends the wait before the next attempt. */
  signal: AbortSignal;
  /** Each piece of output text, in order. */
  onText: (text: string) => void;
  /**
   * Called at most once, when the provider answers that the request does not fit the context window:
   * returns a smaller request to try once more, at once and not counted against `maxAttempts`, or undefined.
   */
  shrink?: (overflow: ContextOverflow, sent: ProviderCall) => ProviderCall | undefined;
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
  const sleep = deps.sleep ?? abortableSleep;
  let request = call.request;
  let costUsd = 0;
  let shrunk = false;
  for (let attempt = 1; ; attempt++) {
    const current: PreparedCall = { ...call, request };
    const admission = await deps.guard.admit(current);
    let outputChars = 0;
    let outputStarted = false;
    const started = Date.now();
    try {
      const answer = await deps.createProvider(provider, { apiKey: call.apiKey, baseUrl: call.baseUrl }).streamChat(
        request,
        (text) => {
          outputChars += text.length;
          hooks.onText(text);
          if (!outputStarted && text !== '') {
            outputStarted = true;
            admission.outputStarted?.();
          }
        },
        hooks.signal,
      );
      costUsd += await admission.settle({ usage: answer.usage, outputChars, reachedProvider: true });
      deps.log.info(
        `${provider}/${model}: ${answer.stopReason}, ${answer.usage.inputTokens} in / ${answer.usage.outputTokens} out, ` +
          `${Date.now() - started} ms, attempt ${attempt}${answer.requestId ? `, request ${answer.requestId}` : ''}`,
      );
      return { answer, attempts: attempt, costUsd };
    } catch (error) {
      const failure = error instanceof ProviderFailure ? error : undefined;
      // No connection, or an HTTP error response before any output (the provider refused it): nothing billed.
      const refused = failure !== undefined && (failure.facts.connectionFailed || failure.facts.status !== undefined);
      const reachedProvider = !(refused && outputChars === 0);
      costUsd += await admission.settle({ outputChars, reachedProvider });
      if (!failure) {
        throw unexpected(error, call, deps.log);
      }
      const classified = classify(failure.facts);
      if (classified.kind === 'authentication' && !call.apiKey) {
        // A keyless call (a server on this computer): the fix is to set a key, not to replace a wrong one.
        classified.sentWithoutKey = true;
      }
      logFailure(deps.log, call, classified, failure, attempt, Date.now() - started);

      if (classified.kind === 'contextWindowExceeded' && outputChars === 0 && !shrunk && hooks.shrink) {
        shrunk = true;
        const smaller = hooks.shrink(classified, request);
        if (smaller) {
          deps.log.info(`${provider}/${model}: retrying once with a shorter conversation.`);
          request = smaller;
          continue;
        }
      }
      // The trimmed retry above is not one of the policy's `maxAttempts`.
      const policyAttempt = shrunk ? attempt - 1 : attempt;
      const decision = decideRetry(classified, policyAttempt, { ...call.retry, random: deps.random }, outputChars > 0);
      if (!decision.retry) {
        if (decision.reason !== 'notTransient') {
          deps.log.info(`${provider}/${model}: not retrying (${decision.reason}).`);
        }
        throw toResponseError(classified, provider, call.label, call.secrets, { baseUrl: call.baseUrl, attempts: attempt });
      }
      const { maxAttempts } = call.retry;
      deps.notifyRetry({ kind: classified.kind, attempt: policyAttempt, maxAttempts, delayMs: decision.delayMs });
      deps.log.info(`${provider}/${model}: attempt ${policyAttempt} of ${maxAttempts} failed (${classified.kind}); retrying in ${decision.delayMs} ms.`);
      await sleep(decision.delayMs, hooks.signal);
      if (hooks.signal.aborted) {
        throw toResponseError({ kind: 'canceled' }, provider, call.label, call.secrets, { attempts: attempt });
      }
    }
  }
}

/** One log line per failed attempt, with the provider's request id (support needs it, e.g. for a content filter). */
function logFailure(log: Log, call: PreparedCall, error: ProviderError, failure: ProviderFailure, attempt: number, elapsedMs: number): void {
  const { provider, model, secrets } = call;
  const detail = failure.facts.providerMessage ? ` (${failure.facts.providerMessage})` : '';
  const requestId = failure.facts.requestId ? `, request ${failure.facts.requestId}` : '';
  log.warn(redact(`${provider}/${model} attempt ${attempt} failed after ${elapsedMs} ms: ${error.kind}${detail}${requestId}`, secrets));
}

function unexpected(error: unknown, call: PreparedCall, log: Log): ResponseError<ErrorData> {
  const { provider, model, secrets } = call;
  log.error(`${provider}/${model} failed unexpectedly: ${redact(String((error as Error)?.stack ?? error), secrets)}`);
  return requestError('server', "Tollgate's language server failed unexpectedly. See the Tollgate output for details.");
}

/** Resolves after `ms`, or as soon as `signal` aborts (Stop during a retry countdown). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
