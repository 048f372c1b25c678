// What the fake provider does with one model request. The TypeScript union is the contract other
// tests code against; the zod schema mirrors it for the out-of-process control endpoint, and its
// `z.ZodType<Scenario>` annotation makes the compiler flag any drift between the two.
import { z } from 'zod';

/** Token counts a scenario reports, in Tollgate's billing terms (see contract.md "usage"). */
export interface ScenarioUsage {
  /** Input tokens billed at the full price. Anthropic `input_tokens`; OpenAI `prompt_tokens` minus the cached ones. */
  inputTokens: number;
  /** All output tokens. Anthropic's final (cumulative) `output_tokens`; OpenAI `completion_tokens`. */
  outputTokens: number;
  /** Cache hits. Anthropic `cache_read_input_tokens`; OpenAI `prompt_tokens_details.cached_tokens` (also counted in `prompt_tokens`). */
  cacheReadTokens?: number;
  /** Cache writes. Anthropic `cache_creation_input_tokens`; OpenAI `prompt_tokens_details.cache_write_tokens` (also counted in `prompt_tokens`). */
  cacheWriteTokens?: number;
}

/** Wire habits of real providers that a naive SSE client gets wrong. All off by default. */
export interface WireQuirks {
  /** Anthropic: an `event: ping` after the block start and after every delta. OpenAI has no pings: ignored. */
  pings?: boolean;
  /** SSE comment lines (`: …`): one standalone before the first event and one inside every event. */
  comments?: boolean;
  /** End every SSE line with CRLF instead of LF. */
  crlf?: boolean;
  /**
   * Write each SSE event in several socket writes, flushed and a few ms apart so they arrive separately:
   * cut inside the first line, inside the first multi-byte UTF-8 character, and (with `crlf`) between CR and LF.
   */
  splitWrites?: boolean;
  /**
   * Anthropic: `message_start` reports zero tokens and only `message_delta` carries the real totals
   * (input, cache and cumulative output). OpenAI already reports usage only in its final chunk: ignored.
   */
  usageOnlyAtEnd?: boolean;
}

/** Why the answer stopped. */
export type ScenarioStopReason = 'end' | 'maxTokens';

/** A normal answer. Streamed chunk by chunk when the request has `stream: true`, else one JSON body. */
export interface TextScenario {
  type: 'text';
  /** Text deltas of the (first) text block; the non-streaming body holds their concatenation. */
  chunks: string[];
  /**
   * Anthropic: further text blocks after the one made of `chunks`, each its own content block (index 1, 2 …).
   * OpenAI has a single `content` string, so these chunks simply continue it.
   */
  blocks?: string[][];
  /** Defaults to a deterministic estimate: ceil(chars / 4) of the request's text and of the answer. */
  usage?: ScenarioUsage;
  /** `end` → Anthropic `end_turn` / OpenAI `stop` (default); `maxTokens` → `max_tokens` / `length`. */
  stopReason?: ScenarioStopReason;
  /** Delay before each text chunk when streaming (default 0). */
  chunkDelayMs?: number;
  /**
   * Paces text chunks at this average rate when streaming: chunk i leaves at start + i / rate, so timer
   * slack does not add up over a long stream (a 1 ms `chunkDelayMs` drifts well below 1,000/s). Wins over
   * `chunkDelayMs`. Benchmarks use it to stream at a model's speed.
   */
  chunksPerSecond?: number;
  /**
   * Writes events as fast as the socket takes them (waiting only when its buffer is full) instead of one
   * write at a time, so a stream of many thousands of chunks is limited by the client, not by the fake.
   * Ignored with `wire.splitWrites`, which needs separate writes.
   */
  burst?: boolean;
  /** Wire quirks of the stream (ignored for non-streaming requests). */
  wire?: WireQuirks;
}

/** Every kind of HTTP error response the fake can give, each mapped to the provider's real status and body. */
export type HttpErrorKind =
  | 'rateLimited'
  | 'overloaded'
  | 'server'
  | 'authentication'
  | 'contextWindowExceeded'
  | 'quotaExceeded'
  | 'contentFiltered'
  | 'invalidRequest'
  /** Anthropic 504 `timeout_error`; OpenAI 408. Both SDKs retry these. */
  | 'timeout'
  /** HTTP 403: the key may not use this model or endpoint. */
  | 'permissionDenied'
  /** HTTP 404: an unknown model. */
  | 'notFound';

/** A non-2xx answer with the provider's real status, error envelope and headers (see errors.ts for the table). */
export interface HttpErrorScenario {
  type: 'httpError';
  error: HttpErrorKind;
  /** Sent as `retry-after: <seconds>`. */
  retryAfterSeconds?: number;
  /** Sent as `retry-after-ms: <ms>` (both SDKs prefer it; use 1 in tests). */
  retryAfterMs?: number;
  /** Sent as `retry-after: <HTTP date>` (e.g. `new Date(…).toUTCString()`); wins over `retryAfterSeconds`. */
  retryAfterDate?: string;
  /** Sent as `x-should-retry: true|false`, which both SDKs obey before looking at the status. */
  shouldRetry?: boolean;
  /** Replaces the provider's default `error.message` text. */
  message?: string;
}

/** Errors a provider reports inside a 200 stream. */
export type StreamErrorKind = 'overloaded' | 'server';

/**
 * A 200 stream that sends the first `afterChunks` of `chunks`, then the provider's in-stream error
 * (Anthropic `event: error`; OpenAI `data: {"error":…}`) and ends. A non-streaming request gets the
 * equivalent HTTP error instead (Anthropic 529 / 500, OpenAI 503 / 500).
 */
export interface StreamErrorScenario {
  type: 'streamError';
  chunks: string[];
  afterChunks: number;
  error: StreamErrorKind;
}

/**
 * Output blocked by a content filter. OpenAI: the chunks, then `finish_reason: "content_filter"`.
 * Anthropic has no such finish reason, so the chunks end with `stop_reason: "refusal"` (and `stop_details`).
 */
export interface ContentFilterScenario {
  type: 'contentFilter';
  chunks: string[];
}

/**
 * The model declines. Anthropic: a text block with `text`, `stop_reason: "refusal"` and `stop_details`.
 * OpenAI: `message.refusal` (`delta.refusal` fragments, word by word, when streaming), `content: null`,
 * `finish_reason: "stop"`.
 */
export interface RefusalScenario {
  type: 'refusal';
  text: string;
}

/** The connection is destroyed before the first response byte (the SDKs raise APIConnectionError). */
export interface ResetScenario {
  type: 'reset';
}

/**
 * Headers (and, when streaming, the start of the stream plus `chunks`) are sent, then nothing more until
 * the client hangs up or the fake closes. A non-streaming request gets headers only.
 */
export interface StallScenario {
  type: 'stall';
  chunks?: string[];
}

/**
 * The provider dies mid-answer: the start of the stream and `chunks`, then the TCP connection closes without
 * the terminating event. A non-streaming request gets headers and half of its JSON body before the close.
 */
export interface HangUpScenario {
  type: 'hangUp';
  chunks: string[];
}

/** What the fake does with one model request; requests take scenarios FIFO from the queue. */
export type Scenario =
  | TextScenario
  | HttpErrorScenario
  | StreamErrorScenario
  | ContentFilterScenario
  | RefusalScenario
  | ResetScenario
  | StallScenario
  | HangUpScenario;

const count = z.number().int().nonnegative();

const usageSchema = z.strictObject({
  inputTokens: count,
  outputTokens: count,
  cacheReadTokens: count.optional(),
  cacheWriteTokens: count.optional(),
});

const wireSchema = z.strictObject({
  pings: z.boolean().optional(),
  comments: z.boolean().optional(),
  crlf: z.boolean().optional(),
  splitWrites: z.boolean().optional(),
  usageOnlyAtEnd: z.boolean().optional(),
});

const chunksSchema = z.array(z.string());

/** Validates one scenario received over the control endpoint. */
export const scenarioSchema: z.ZodType<Scenario> = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('text'),
    chunks: chunksSchema,
    blocks: z.array(chunksSchema).optional(),
    usage: usageSchema.optional(),
    stopReason: z.enum(['end', 'maxTokens']).optional(),
    chunkDelayMs: count.optional(),
    chunksPerSecond: z.number().positive().optional(),
    burst: z.boolean().optional(),
    wire: wireSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('httpError'),
    error: z.enum([
      'rateLimited',
      'overloaded',
      'server',
      'authentication',
      'contextWindowExceeded',
      'quotaExceeded',
      'contentFiltered',
      'invalidRequest',
      'timeout',
      'permissionDenied',
      'notFound',
    ]),
    retryAfterSeconds: z.number().nonnegative().optional(),
    retryAfterMs: z.number().nonnegative().optional(),
    retryAfterDate: z.string().optional(),
    shouldRetry: z.boolean().optional(),
    message: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('streamError'),
    chunks: chunksSchema,
    afterChunks: count,
    error: z.enum(['overloaded', 'server']),
  }),
  z.strictObject({ type: z.literal('contentFilter'), chunks: chunksSchema }),
  z.strictObject({ type: z.literal('refusal'), text: z.string() }),
  z.strictObject({ type: z.literal('reset') }),
  z.strictObject({ type: z.literal('stall'), chunks: chunksSchema.optional() }),
  z.strictObject({ type: z.literal('hangUp'), chunks: chunksSchema }),
]);

/** The body of `POST /__fake/scenarios`. */
export const enqueueRequestSchema = z.strictObject({ scenarios: z.array(scenarioSchema) });
