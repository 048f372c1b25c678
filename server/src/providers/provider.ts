/**
 * What the chat handler needs from a provider, independent of its SDK. `anthropic.ts` and `openai.ts`
 * implement it; they are the only files that import an SDK.
 */
import type { FailureFacts } from '../errors';
import type { ChatMessage, StopReason, Usage } from '../protocol';

export interface ProviderCall {
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxTokens: number;
  /** Native structured output: the answer must be JSON following `schema` (already in the provider's subset). */
  output?: StructuredOutput;
}

export interface StructuredOutput {
  /** a-z, A-Z, 0-9, `_` and `-`, at most 64 characters (OpenAI's rule for `json_schema.name`). */
  name: string;
  schema: Record<string, unknown>;
  /** OpenAI `strict`: the schema is in the strict subset and the model must follow it exactly. */
  strict: boolean;
}

export interface StreamedAnswer {
  stopReason: StopReason;
  usage: Usage;
  requestId?: string;
}

export interface Provider {
  /**
   * Streams one answer, calling `onText` with each piece of text in order, and resolves once the
   * provider said it finished. Aborting `signal` closes the HTTP request. Rejects with `ProviderFailure`.
   */
  streamChat(call: ProviderCall, onText: (text: string) => void, signal: AbortSignal): Promise<StreamedAnswer>;
}

export interface ProviderOptions {
  /** Empty: send no key (only for an OpenAI-compatible server on a loopback address, see `keylessEndpoint.ts`). */
  apiKey: string;
  /** Empty for the provider's own endpoint. */
  baseUrl: string;
}

/** A failed provider call, described by the facts `classify()` needs. */
export class ProviderFailure extends Error {
  constructor(
    readonly facts: FailureFacts,
    cause?: unknown,
  ) {
    super(facts.providerMessage ?? 'The provider call failed.', { cause });
    this.name = 'ProviderFailure';
  }
}
