/**
 * Every custom LSP message Tollgate speaks, declared once. The server handles and the client sends
 * through these `.type` objects, never through a string method name. `docs/protocol.md` documents each
 * method for other editors; `test/unit/protocol-doc.spec.ts` fails when the two list different methods.
 *
 * This file is imported by the client too, so it depends on nothing but the LSP protocol package.
 */
import {
  ProtocolNotificationType,
  ProtocolRequestType,
  type PartialResultParams,
} from 'vscode-languageserver-protocol';

/** The providers Tollgate can call. An OpenAI-compatible server is `openai` plus a base URL. */
export type ProviderId = 'anthropic' | 'openai';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** `partialResultToken` (from `PartialResultParams`) is where the answer's deltas stream. */
export interface ChatParams extends PartialResultParams {
  messages: ChatMessage[];
  /** Instructions sent as the provider's system prompt. */
  system?: string;
  /** Overrides `tollgate.provider` for this call. */
  provider?: ProviderId;
  /** Overrides `tollgate.model` for this call. */
  model?: string;
  /** Overrides `tollgate.maxTokens` for this call. */
  maxTokens?: number;
}

/** Tokens as they are billed, the same for both providers (see `docs/protocol.md`). */
export interface Usage {
  /** Input tokens billed at the full input price (OpenAI: prompt minus cached; Anthropic: input_tokens). */
  inputTokens: number;
  /** All output, reasoning tokens included. */
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * Why the model stopped, the same words for both providers:
 * - `end`: the model finished its answer;
 * - `maxTokens`: the output cap (`maxTokens`) cut it short;
 * - `stopSequence`: a stop sequence matched;
 * - `refusal`: the model declined; `text` holds the refusal;
 * - `contextWindowExceeded`: the model ran out of context window while answering;
 * - `other`: anything else the provider reported (tool use, a pause).
 */
export type StopReason = 'end' | 'maxTokens' | 'stopSequence' | 'refusal' | 'contextWindowExceeded' | 'other';

export interface ChatResult {
  /** The whole answer: exactly the concatenation of every streamed delta. */
  text: string;
  stopReason: StopReason;
  usage: Usage;
  /** USD, settled from `usage` (every attempt's cost included). */
  costUsd: number;
  /** Provider calls made, the first included. */
  attempts: number;
  /**
   * How many of the oldest messages were left out so the conversation fits the model's context window;
   * absent when none were.
   */
  trimmedMessages?: number;
}

/** One streamed piece of the answer. Partial results carry one of these or an array of them. */
export interface ChatDelta {
  text: string;
}

export type ChatPartialResult = ChatDelta | ChatDelta[];

/**
 * What went wrong, as one word a client can switch on. Every provider failure maps to exactly one
 * (`server/src/errors.ts`, `classify()`).
 */
export type ErrorKind =
  | 'rateLimited'
  | 'overloaded'
  | 'contextWindowExceeded'
  | 'contentFiltered'
  | 'quotaExceeded'
  | 'authentication'
  | 'invalidRequest'
  | 'network'
  | 'timeout'
  | 'server'
  | 'schemaInvalid'
  | 'budgetExceeded'
  | 'rateLimitedLocal'
  | 'canceled';

/** The `data` of every JSON-RPC error Tollgate returns. */
export interface ErrorData {
  kind: ErrorKind;
  /** A complete sentence: what happened and what to do next. Never contains an API key. */
  message: string;
  /** How long the provider asked us to wait, when it said. */
  retryAfterMs?: number;
  /** The provider's request id, for support tickets. */
  requestId?: string;
  /** The daily budget that would be exceeded. */
  limitUsd?: number;
  /** `budgetExceeded`: the worst-case cost of the refused call, USD. */
  wouldCostUsd?: number;
  /** `budgetExceeded`: what was left of today's budget, USD. */
  remainingUsd?: number;
  /**
   * `invalidRequest` because Tollgate knows no price for the model: the model to price in
   * `tollgate.pricing` (a client can offer "set its price" with it).
   */
  unpricedModel?: string;
  /** The provider that failed, when one was called. */
  provider?: ProviderId;
  /** Provider attempts made before giving up, retries included (absent when no provider was called). */
  attempts?: number;
  /** A page that fixes the problem: for `quotaExceeded`, the provider's billing page (own endpoints only). */
  actionUrl?: string;
  /** `tollgate/extract` only: which of its distinct failures this is (see `ExtractFailure`). */
  extractFailure?: ExtractFailure;
  /** `tollgate/extract` only: ajv's errors for the last answer, one line each. */
  validationErrors?: string[];
}

/**
 * How a `tollgate/extract` failed, beyond `kind`:
 * - `badSchema`: the schema is unusable (not found, not JSON, not a JSON Schema, remote `$ref`, too big, recursive,
 *   catastrophic `pattern`); kind `schemaInvalid`, no provider called;
 * - `refusal`: the model declined; kind `contentFiltered`;
 * - `contentFilter`: the provider's content filter stopped the answer; kind `contentFiltered`;
 * - `truncated`: the answer hit the output cap (`maxTokens`) before its JSON was complete; kind `schemaInvalid`;
 * - `invalidOutput`: every attempt's answer failed to parse or validate; kind `schemaInvalid`, with `validationErrors`;
 * - `emptyText` / `textTooLarge`: the text is empty or too long, refused before any call; kind `invalidRequest`.
 */
export type ExtractFailure =
  | 'badSchema'
  | 'refusal'
  | 'contentFilter'
  | 'truncated'
  | 'invalidOutput'
  | 'emptyText'
  | 'textTooLarge';

/**
 * JSON-RPC error codes. Application codes stay outside the reserved −32899…−32000 range; cancellation
 * uses LSP's RequestCancelled (−32800) so generic clients recognise it.
 */
export const TollgateErrorCodes = {
  /** Any failure described by `ErrorData.kind` other than cancellation. */
  requestFailed: 1000,
  canceled: -32800,
} as const;

/** Client → server. Streams the answer as partial results; resolves with usage, cost and attempts. */
export namespace ChatRequest {
  export const method = 'tollgate/chat' as const;
  export const type = new ProtocolRequestType<ChatParams, ChatResult, ChatPartialResult, ErrorData, void>(method);
}

/** A JSON Schema, as parsed JSON. Validated with ajv before use. */
export type JsonSchema = Record<string, unknown> | boolean;

export interface ExtractParams {
  /** The text to extract from (the editor selection). */
  text: string;
  /** A built-in schema id (`entities`), a workspace-relative path, or an inline JSON Schema. Default `entities`. */
  schema?: string | JsonSchema;
  provider?: ProviderId;
  model?: string;
}

export interface ExtractResult {
  /** Always validates against the schema. */
  data: unknown;
  /** Provider calls made, repair attempts and retries included. */
  attempts: number;
  /** `native`: the provider's structured output; `prompted`: JSON asked for in the prompt and validated. */
  mode: 'native' | 'prompted';
  usage: Usage;
  costUsd: number;
  /** The schema `data` validated against, as the user knows it (e.g. `Entities (built-in)`, `schemas/invoice.schema.json`). */
  schema: string;
}

/**
 * The longest text `tollgate/extract` accepts, in characters (about 100k tokens). Longer text is refused before
 * any call; the client checks it too, so the user hears it before waiting for anything.
 */
export const EXTRACT_MAX_TEXT_CHARS = 400_000;

/** Client → server. Extracts JSON that validates against a schema. */
export namespace ExtractRequest {
  export const method = 'tollgate/extract' as const;
  export const type = new ProtocolRequestType<ExtractParams, ExtractResult, never, ErrorData, void>(method);
}

/** One schema the user can extract with. */
export interface ExtractionSchemaInfo {
  /** What `ExtractParams.schema` takes: `entities` or a workspace-relative path. */
  id: string;
  /** The schema's `title`, else its path. */
  title: string;
  description?: string;
  origin: 'builtin' | 'workspace';
  /** Workspace schemas: the file's absolute path. */
  path?: string;
}

export interface ExtractionSchemasResult {
  /** The built-in schema first, then the workspace's, sorted by path. */
  schemas: ExtractionSchemaInfo[];
}

/** Client → server. Lists the schemas `tollgate/extract` can use (for the schema quick pick). */
export namespace ExtractionSchemasRequest {
  export const method = 'tollgate/extractionSchemas' as const;
  export const type = new ProtocolRequestType<Record<string, never>, ExtractionSchemasResult, never, ErrorData, void>(method);
}

/** Today's spend against the daily budget. `day` is the local calendar day, `YYYY-MM-DD`. */
export interface BudgetStatus {
  day: string;
  spentUsd: number;
  /** Held by calls in flight (their worst-case cost). */
  reservedUsd: number;
  budgetUsd: number;
  /** `budgetUsd − spentUsd − reservedUsd`, never below 0. */
  remainingUsd: number;
  /** Calls holding a reservation right now, in every process sharing the ledger. */
  pendingCalls?: number;
  /** Included in `budgetUsd`: what "raise today's budget" added for today only. */
  raisedUsd?: number;
  /** Today's spend per model, most first. */
  topModels?: ModelSpend[];
}

export interface ModelSpend {
  model: string;
  spentUsd: number;
  calls: number;
}

/** Client → server. Answers anytime with today's budget status. */
export namespace UsageRequest {
  export const method = 'tollgate/usage' as const;
  export const type = new ProtocolRequestType<Record<string, never>, BudgetStatus, never, ErrorData, void>(method);
}

/** Server → client, whenever the budget status changes (a reservation, a settlement, a new day, a new budget). */
export namespace BudgetStatusNotification {
  export const method = 'tollgate/budgetStatus' as const;
  export const type = new ProtocolNotificationType<BudgetStatus, void>(method);
}

export interface UsageHistoryParams {
  /** How many local days back, today included; default 30, at most 400. */
  days?: number;
}

export interface DayUsage {
  day: string;
  spentUsd: number;
  models: ModelSpend[];
}

/** One call of today, as the ledger recorded it. */
export interface CallRecord {
  /** ISO 8601 time it was settled (or reserved, while `outcome` is `pending`). */
  time: string;
  provider: string;
  model: string;
  costUsd: number;
  usage?: Usage;
  /** The cost is an estimate (the provider never reported usage). */
  estimated: boolean;
  /**
   * `ok`, `failed` (an error or Stop after the provider took the request), `notSent` (unreachable, or an
   * HTTP error answer: not billed), `orphaned` (its process died), `pending`.
   */
  outcome: 'ok' | 'failed' | 'notSent' | 'orphaned' | 'pending';
}

export interface UsageHistory {
  status: BudgetStatus;
  /** Newest first, `days` entries. */
  days: DayUsage[];
  /** Today's calls, oldest first. */
  today: CallRecord[];
}

/** Client → server. Spend per day and model, and today's calls, for the usage view. */
export namespace UsageHistoryRequest {
  export const method = 'tollgate/usageHistory' as const;
  export const type = new ProtocolRequestType<UsageHistoryParams, UsageHistory, never, ErrorData, void>(method);
}

/** Client → server. Every settled call in the ledger as CSV. */
export namespace ExportUsageRequest {
  export const method = 'tollgate/exportUsage' as const;
  export const type = new ProtocolRequestType<Record<string, never>, { csv: string; rows: number }, never, ErrorData, void>(
    method,
  );
}

export interface RaiseBudgetParams {
  /** USD added to today's budget only (every process sharing the ledger sees it). */
  addUsd: number;
}

/** Client → server. Raises today's budget; resolves with the new status. */
export namespace RaiseBudgetRequest {
  export const method = 'tollgate/raiseBudget' as const;
  export const type = new ProtocolRequestType<RaiseBudgetParams, BudgetStatus, never, ErrorData, void>(method);
}

export interface RetryScheduledParams {
  /** The failure being retried. */
  kind: ErrorKind;
  /** The attempt that failed, 1-based. */
  attempt: number;
  maxAttempts: number;
  /** How long the server waits before the next attempt. */
  delayMs: number;
}

/** Server → client, before each wait between attempts. */
export namespace RetryScheduledNotification {
  export const method = 'tollgate/retryScheduled' as const;
  export const type = new ProtocolNotificationType<RetryScheduledParams, void>(method);
}
