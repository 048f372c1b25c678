/** Anthropic Messages through the official SDK, streamed. */
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { StopReason, Usage } from '../protocol';
import { providerFetch } from './httpDispatcher';
import { type Provider, type ProviderOptions, ProviderFailure } from './provider';
import { type SdkApiError, toProviderFailure } from './sdkFailure';

const defaultEndpoint = 'https://api.anthropic.com';

/** Anthropic's stop reasons in Tollgate's words. */
const stopReasons: Record<string, StopReason> = {
  end_turn: 'end',
  max_tokens: 'maxTokens',
  stop_sequence: 'stopSequence',
  refusal: 'refusal',
  model_context_window_exceeded: 'contextWindowExceeded',
};

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

export function createAnthropicProvider({ apiKey, baseUrl }: ProviderOptions): Provider {
  // Our retry policy governs; the SDK's own retries would double it. No OpenTelemetry: the server installs
  // no tracer provider, so the SDK would build a span and its attributes on every call only to drop them.
  const client = new Anthropic({
    apiKey,
    baseURL: baseUrl || undefined,
    maxRetries: 0,
    fetch: providerFetch(baseUrl || defaultEndpoint),
    openTelemetry: false,
  });
  const endpoint = baseUrl || defaultEndpoint;

  return {
    async streamChat(call, onText, signal) {
      try {
        const { data: stream, request_id } = await client.messages
          .create(
            {
              model: call.model,
              max_tokens: call.maxTokens,
              messages: call.messages,
              ...(call.system ? { system: call.system } : {}),
              // Structured output (GA): the answer is one text block holding JSON that follows the schema.
              ...(call.output ? { output_config: { format: { type: 'json_schema' as const, schema: call.output.schema } } } : {}),
              stream: true,
            },
            { signal },
          )
          .withResponse();

        const usage: Usage = { inputTokens: 0, outputTokens: 0 };
        let stopReason: StopReason = 'other';
        let finished = false;
        for await (const event of stream) {
          switch (event.type) {
            case 'message_start':
              mergeUsage(usage, event.message.usage);
              break;
            case 'content_block_delta':
              if (event.delta.type === 'text_delta') {
                onText(event.delta.text);
              }
              break;
            case 'message_delta':
              stopReason = stopReasons[event.delta.stop_reason ?? ''] ?? 'other';
              mergeUsage(usage, event.usage);
              break;
            case 'message_stop':
              finished = true;
              break;
          }
        }
        if (!finished) {
          // The connection closed cleanly but before `message_stop`: the answer is incomplete.
          throw new ProviderFailure({ connectionFailed: true, endpoint, providerMessage: 'stream ended before message_stop' });
        }
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

/** Anthropic's counts are cumulative totals: a later non-null value replaces the earlier one. */
function mergeUsage(usage: Usage, reported: AnthropicUsage): void {
  usage.inputTokens = reported.input_tokens ?? usage.inputTokens;
  usage.outputTokens = reported.output_tokens ?? usage.outputTokens;
  if (reported.cache_read_input_tokens != null) {
    usage.cacheReadTokens = reported.cache_read_input_tokens;
  }
  if (reported.cache_creation_input_tokens != null) {
    usage.cacheWriteTokens = reported.cache_creation_input_tokens;
  }
}

/** Where this provider keeps its error type, code and message (also used by the non-streaming fault catalogue). */
export function errorDetails(error: SdkApiError & Error) {
  const apiError = error as APIError;
  return {
    type: apiError.type ?? undefined,
    code: apiError.errorCode ?? undefined,
    providerMessage: apiError.apiMessage ?? innerMessage(apiError.error) ?? undefined,
  };
}

/** Inside a 200 stream the SDK keeps the whole `{"type":"error","error":{…}}` body. */
function innerMessage(body: unknown): string | undefined {
  const inner = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof inner === 'string' ? inner : undefined;
}
