/**
 * `tollgate/chat`: validates the request, calls the chosen provider, streams its text back as partial
 * results and resolves with the whole answer, its usage and cost. Stop (`$/cancelRequest`) aborts the
 * provider's HTTP request through the SDK's AbortSignal.
 */
import type { CancellationToken, ProgressToken } from 'vscode-languageserver';
import { DeltaStream } from './deltaStream';
import { runAttempts, type AttemptDependencies } from './attempts';
import type { ApiKeySource } from './apiKeys';
import { requestError } from './errors';
import { prepareCall } from './preparedCall';
import type { ChatDelta, ChatParams, ChatResult } from './protocol';
import type { Settings } from './settings';
import { trimHarder, trimToContext } from './trimToContext';
import * as z from './validation';

const chatParamsSchema = z.object({
  messages: z
    .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().check(z.minLength(1, 'must not be empty')) }))
    .check(z.minLength(1, 'must hold at least one message')),
  system: z.optional(z.string()),
  provider: z.optional(z.enum(['anthropic', 'openai'])),
  model: z.optional(z.string().check(z.minLength(1))),
  maxTokens: z.optional(z.number().check(z.int(), z.gte(1))),
  partialResultToken: z.optional(z.union([z.string(), z.number()])),
});

export interface ChatDependencies extends AttemptDependencies {
  /** The settings as of the last change the editor announced before this request (see SettingsSource). */
  latestSettings: () => Promise<Settings>;
  apiKeys: ApiKeySource;
  /** Sends one partial result on the request's `partialResultToken`. */
  sendDelta: (token: ProgressToken, delta: ChatDelta) => void;
}

export function createChatHandler(deps: ChatDependencies) {
  return async (params: ChatParams, token: CancellationToken): Promise<ChatResult> => {
    const parsed = chatParamsSchema.safeParse(params);
    if (!parsed.success) {
      throw requestError('invalidRequest', `The tollgate/chat request is not valid: ${describeIssue(parsed.error)}.`);
    }
    const request = parsed.data;
    const settings = await deps.latestSettings();
    const keys = await deps.apiKeys.resolve(request.provider ?? settings.provider);
    const call = prepareCall(settings, keys, request, {
      messages: request.messages,
      maxTokens: request.maxTokens ?? settings.maxTokens,
      ...(request.system ? { system: request.system } : {}),
    });

    // Pre-flight: the oldest turns go before the provider has to refuse the whole conversation.
    const fitted = trimToContext(call.request);
    let trimmedMessages = fitted.dropped;
    if (fitted.dropped > 0) {
      deps.log.info(`${call.provider}/${call.model}: left out the ${fitted.dropped} oldest messages to fit the context window.`);
    }

    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => abort.abort());
    const progressToken = params.partialResultToken;
    // A client that sent no token gets the whole text in the result only.
    const deltas = new DeltaStream((delta) => progressToken !== undefined && deps.sendDelta(progressToken, delta));
    try {
      const { answer, attempts, costUsd } = await runAttempts({ ...call, request: fitted.request }, deps, {
        signal: abort.signal,
        onText: (text) => deltas.push(text),
        shrink: (overflow, sent) => {
          const smaller = trimHarder(sent, overflow);
          trimmedMessages += smaller?.dropped ?? 0;
          return smaller?.request;
        },
      });
      deltas.flush();
      return {
        text: deltas.text,
        stopReason: answer.stopReason,
        usage: answer.usage,
        costUsd,
        attempts,
        ...(trimmedMessages > 0 ? { trimmedMessages } : {}),
      };
    } catch (error) {
      deps.apiKeys.noteFailure(call.provider, call.apiKey, error);
      throw error;
    } finally {
      // Deltas received before a failure still reach the client, ahead of the error.
      deltas.flush();
      onCancel.dispose();
    }
  };
}

function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) {
    return 'unknown problem';
  }
  const path = issue.path.length ? `params.${issue.path.join('.')}` : 'params';
  return `${path} ${issue.message}`;
}
