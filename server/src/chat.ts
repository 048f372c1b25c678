/**
 * `tollgate/chat`: validates the request, calls the chosen provider, streams its text back as partial
 * results and resolves with the whole answer and its usage. Stop (`$/cancelRequest`) aborts the
 * provider's HTTP request through the SDK's AbortSignal.
 */
import type { CancellationToken, ProgressToken } from 'vscode-languageserver';
import { z } from 'zod';
import { DeltaStream } from './deltaStream';
import type { ApiKeys } from './environment';
import { classify, providerLabel, redact, requestError, toResponseError } from './errors';
import type { Log } from './log';
import type { ChatDelta, ChatParams, ChatResult, ProviderId } from './protocol';
import type { ProviderFactory } from './providers';
import { ProviderFailure } from './providers/provider';
import { resolveModel, type Settings } from './settings';

const chatParamsSchema = z.object({
  messages: z
    .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1, 'must not be empty') }))
    .min(1, 'must hold at least one message'),
  system: z.string().optional(),
  provider: z.enum(['anthropic', 'openai']).optional(),
  model: z.string().min(1).optional(),
  maxTokens: z.number().int().min(1).optional(),
  partialResultToken: z.union([z.string(), z.number()]).optional(),
});

export interface ChatDependencies {
  settings: () => Settings;
  apiKeys: ApiKeys;
  createProvider: ProviderFactory;
  log: Log;
  /** Sends one partial result on the request's `partialResultToken`. */
  sendDelta: (token: ProgressToken, delta: ChatDelta) => void;
}

export function createChatHandler({ settings: currentSettings, apiKeys, createProvider, log, sendDelta }: ChatDependencies) {
  return async (params: ChatParams, token: CancellationToken): Promise<ChatResult> => {
    const parsed = chatParamsSchema.safeParse(params);
    if (!parsed.success) {
      throw requestError('invalidRequest', `The tollgate/chat request is not valid: ${describeIssue(parsed.error)}.`);
    }
    const request = parsed.data;
    const settings = currentSettings();
    const provider: ProviderId = request.provider ?? settings.provider;
    const baseUrl = provider === 'anthropic' ? settings.anthropicBaseUrl : settings.openaiBaseUrl;
    const label = providerLabel(provider, baseUrl);
    const model = resolveModel(settings, provider, request.model);
    const apiKey = apiKeys[provider];
    const secrets = Object.values(apiKeys);
    if (!apiKey) {
      throw toResponseError({ kind: 'authentication', missingKey: true }, provider, label, secrets);
    }

    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => abort.abort());
    const progressToken = params.partialResultToken;
    // A client that sent no token gets the whole text in the result only.
    const deltas = new DeltaStream((delta) => progressToken !== undefined && sendDelta(progressToken, delta));
    const started = Date.now();
    try {
      const answer = await createProvider(provider, { apiKey, baseUrl }).streamChat(
        {
          model,
          messages: request.messages,
          maxTokens: request.maxTokens ?? settings.maxTokens,
          ...(request.system ? { system: request.system } : {}),
        },
        (text) => deltas.push(text),
        abort.signal,
      );
      deltas.flush();
      log.info(
        `chat ${provider}/${model}: ${answer.stopReason}, ${answer.usage.inputTokens} in / ${answer.usage.outputTokens} out, ` +
          `${Date.now() - started} ms${answer.requestId ? `, request ${answer.requestId}` : ''}`,
      );
      // Pricing arrives with the budget work; until then the cost is reported as 0.
      return { text: deltas.text, stopReason: answer.stopReason, usage: answer.usage, costUsd: 0, attempts: 1 };
    } catch (error) {
      deltas.flush();
      if (!(error instanceof ProviderFailure)) {
        log.error(`chat ${provider}/${model} failed unexpectedly: ${redact(String((error as Error)?.stack ?? error), secrets)}`);
        throw requestError('server', "Tollgate's language server failed unexpectedly. See the Tollgate output for details.");
      }
      const classified = classify(error.facts);
      const detail = error.facts.providerMessage ? ` (${error.facts.providerMessage})` : '';
      log.warn(redact(`chat ${provider}/${model} failed after ${Date.now() - started} ms: ${classified.kind}${detail}`, secrets));
      throw toResponseError(classified, provider, label, secrets);
    } finally {
      onCancel.dispose();
    }
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) {
    return 'unknown problem';
  }
  const path = issue.path.length ? `params.${issue.path.join('.')}` : 'params';
  return `${path} ${issue.message}`;
}
