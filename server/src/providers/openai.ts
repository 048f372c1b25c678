/** OpenAI Chat Completions (and OpenAI-compatible servers) through the official SDK, streamed. */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { StopReason, Usage } from '../protocol';
import { providerFetch } from './httpDispatcher';
import { type Provider, type ProviderOptions, ProviderFailure } from './provider';
import { type SdkApiError, toProviderFailure } from './sdkFailure';

const defaultEndpoint = 'https://api.openai.com/v1';

const stopReasons: Record<string, StopReason> = {
  stop: 'end',
  length: 'maxTokens',
};

export function createOpenAIProvider({ apiKey, baseUrl }: ProviderOptions): Provider {
  const client = new OpenAI({
    ...credentials(apiKey),
    baseURL: baseUrl || undefined,
    // Our retry policy governs; the SDK's own retries would double it.
    maxRetries: 0,
    fetch: providerFetch(baseUrl || defaultEndpoint),
  });
  const endpoint = baseUrl || defaultEndpoint;

  return {
    async streamChat(call, onText, signal) {
      try {
        const { data: stream, request_id } = await client.chat.completions
          .create(
            {
              model: call.model,
              messages: [...(call.system ? [{ role: 'system' as const, content: call.system }] : []), ...call.messages],
              // OpenAI's current models only accept `max_completion_tokens`; many OpenAI-compatible servers
              // (older vLLM, llama.cpp, Ollama) only know `max_tokens`.
              ...(baseUrl ? { max_tokens: call.maxTokens } : { max_completion_tokens: call.maxTokens }),
              ...(call.output
                ? {
                    response_format: {
                      type: 'json_schema' as const,
                      json_schema: { name: call.output.name, schema: call.output.schema, strict: call.output.strict },
                    },
                  }
                : {}),
              stream: true,
              // Without this the stream reports no usage at all; with it the last chunk carries it.
              stream_options: { include_usage: true },
            },
            { signal },
          )
          .withResponse();

        let usage: Usage = { inputTokens: 0, outputTokens: 0 };
        let finishReason: string | null = null;
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          const piece = choice?.delta.content ?? choice?.delta.refusal;
          if (piece) {
            onText(piece);
          }
          if (choice?.delta.refusal) {
            finishReason = 'refusal';
          }
          if (choice?.finish_reason && finishReason !== 'refusal') {
            finishReason = choice.finish_reason;
          }
          if (chunk.usage) {
            usage = toUsage(chunk.usage);
          }
        }
        if (finishReason === null) {
          throw new ProviderFailure({ connectionFailed: true, endpoint, providerMessage: 'stream ended without a finish_reason' });
        }
        if (finishReason === 'content_filter') {
          throw new ProviderFailure({ type: 'content_filter', requestId: request_id ?? undefined });
        }
        const stopReason = finishReason === 'refusal' ? 'refusal' : (stopReasons[finishReason] ?? 'other');
        return { stopReason, usage, requestId: request_id ?? undefined };
      } catch (error) {
        throw toProviderFailure(
          error,
          { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError },
          errorDetails,
          signal,
          endpoint,
        );
      }
    },
  };
}

/**
 * The SDK's options for `apiKey`; empty means a keyless call (an OpenAI-compatible server on this computer,
 * see `keylessEndpoint.ts`). The SDK refuses to be built without a key, but a `null` default header removes
 * `Authorization` from every request (its header merging deletes a header set to null, and its check for a
 * credential accepts an explicitly omitted `Authorization`), so the placeholder key is never sent: the
 * server sees no credential at all rather than a fake one.
 */
function credentials(apiKey: string): { apiKey: string; defaultHeaders?: { Authorization: null } } {
  return apiKey ? { apiKey } : { apiKey: 'keyless-call-sends-no-authorization', defaultHeaders: { Authorization: null } };
}

/** OpenAI counts cached input inside `prompt_tokens`; Tollgate counts tokens the way they are billed. */
function toUsage(usage: OpenAI.CompletionUsage): Usage {
  const details = usage.prompt_tokens_details;
  const cacheRead = details?.cached_tokens ?? 0;
  const cacheWrite = details?.cache_write_tokens ?? 0;
  return {
    inputTokens: Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite),
    outputTokens: usage.completion_tokens,
    ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
  };
}

/** Where this provider keeps its error type, code and message (also used by the non-streaming fault catalogue). */
export function errorDetails(error: SdkApiError & Error) {
  const apiError = error as APIError;
  const inner: { message?: unknown } | undefined = apiError.error;
  return {
    type: apiError.type ?? undefined,
    code: apiError.code ?? undefined,
    providerMessage: typeof inner?.message === 'string' ? inner.message : undefined,
  };
}
