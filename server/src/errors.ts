/**
 * The one error union of Tollgate and the one classifier that produces it.
 *
 * Provider adapters (`providers/*.ts`, the only files that import an SDK) describe an SDK failure as
 * plain `FailureFacts`; `classify()` turns those facts into exactly one `ProviderError` member. Keeping
 * SDK classes out of this file keeps the classifier a pure, table-tested function.
 */
import { ResponseError } from 'vscode-languageserver';
import { TollgateErrorCodes, type ErrorData, type ErrorKind, type ProviderId } from './protocol';
import { longestProviderWaitMs } from './retry';

/** What a provider adapter could learn about a failed call, independent of the SDK that made it. */
export interface FailureFacts {
  /** HTTP status; absent when the request never got one or failed inside a 200 stream. */
  status?: number;
  /** The provider's error type (Anthropic `error.type`, OpenAI `error.type`). */
  type?: string;
  /** The provider's stable code (OpenAI `error.code`, Anthropic `error.details.error_code`). */
  code?: string;
  /** The provider's own explanation, for the log and for messages where it helps. */
  providerMessage?: string;
  requestId?: string;
  /** `retry-after-ms`, else `retry-after` (seconds or an HTTP date), already converted to milliseconds. */
  retryAfterMs?: number;
  /** The provider's `x-should-retry` header: its own verdict on whether a retry can succeed. */
  shouldRetry?: boolean;
  /** The request was aborted by us (Stop / `$/cancelRequest`). */
  aborted?: boolean;
  /** No HTTP response: refused, reset, DNS, TLS. */
  connectionFailed?: boolean;
  timedOut?: boolean;
  /** Where the request went, for network messages. */
  endpoint?: string;
}

/**
 * Every way a Tollgate request fails. Each member carries what its handling and its message need.
 * Model: copilot-chat's `ChatFetchError`.
 */
export type ProviderError =
  /** The provider throttled us (HTTP 429); wait `retryAfterMs` when it said. */
  | ({ kind: 'rateLimited'; requestId?: string } & RetryHints)
  /** The provider is overloaded (Anthropic 529 / 503); transient, not our fault. */
  | ({ kind: 'overloaded'; requestId?: string } & RetryHints)
  /**
   * The prompt plus the output cap does not fit the model's context window. `promptTokens` and
   * `limitTokens` are the provider's own count and limit, when its message says them.
   */
  | { kind: 'contextWindowExceeded'; requestId?: string; promptTokens?: number; limitTokens?: number }
  /** The provider's safety system blocked the input or the output. Never retried blindly. */
  | { kind: 'contentFiltered'; requestId?: string }
  /** The account is out of credit or over a spend limit: waiting will not help. */
  | { kind: 'quotaExceeded'; requestId?: string }
  /**
   * The key is missing, wrong, or lacks permission. `keychainProblem`: why a standalone server could not
   * look the missing key up in the OS keychain (a sentence, `keychain/keychainClient.ts`). `sentWithoutKey`:
   * a server on this computer, called without a key (`keylessEndpoint.ts`), answered that it needs one.
   */
  | { kind: 'authentication'; missingKey: boolean; requestId?: string; keychainProblem?: string; sentWithoutKey?: boolean }
  /** The provider rejected the request as malformed (unknown model, bad parameter). */
  | { kind: 'invalidRequest'; detail: string; requestId?: string }
  /** No HTTP response: the endpoint is unreachable, refused, or the connection dropped mid-stream. */
  | { kind: 'network'; endpoint?: string }
  | ({ kind: 'timeout'; endpoint?: string } & RetryHints)
  /** The provider failed on its side (HTTP 5xx, an error event inside the stream). */
  | ({ kind: 'server'; status?: number; requestId?: string } & RetryHints)
  /** Stop / `$/cancelRequest`. */
  | { kind: 'canceled' };

/** What a provider said about retrying, read by the retry policy (`retry.ts`). */
export interface RetryHints {
  /** How long the provider asked us to wait (`retry-after-ms` / `retry-after`). */
  retryAfterMs?: number;
  /** `x-should-retry`: false vetoes a retry the policy would make. */
  shouldRetry?: boolean;
}

/** Anthropic's only signal for a context overflow is the message text (it has no error code for it). */
const anthropicContextOverflow = /prompt is too long|exceed context limit|context window/i;
/** Nor for output its filter blocked (a 400 `invalid_request_error`, commonly observed). */
const anthropicContentFilter = /content filtering policy/i;

/**
 * The provider's own count and limit, where its overflow message says them — the one place Tollgate
 * reads numbers out of message text; `trimToContext` uses them to trim hard enough on the second try.
 * Anthropic: "prompt is too long: 219898 tokens > 200000 maximum" and "input length and `max_tokens`
 * exceed context limit: 199759 + 8192 > 200000"; OpenAI: "maximum context length is 4097 tokens.
 * However, your messages resulted in 4294 tokens" (or "you requested 4203 tokens").
 */
function overflowNumbers(message: string | undefined): { promptTokens?: number; limitTokens?: number } {
  const text = message ?? '';
  const anthropic = /(\d+) tokens > (\d+) maximum/.exec(text);
  if (anthropic) {
    return { promptTokens: Number(anthropic[1]), limitTokens: Number(anthropic[2]) };
  }
  const withOutput = /exceed context limit: (\d+) \+ (\d+) > (\d+)/.exec(text);
  if (withOutput) {
    return { promptTokens: Number(withOutput[1]) + Number(withOutput[2]), limitTokens: Number(withOutput[3]) };
  }
  const openai = /maximum context length is (\d+) tokens\. However, (?:your messages resulted in|you requested) (\d+) tokens/.exec(text);
  if (openai) {
    return { promptTokens: Number(openai[2]), limitTokens: Number(openai[1]) };
  }
  return {};
}

/** Maps what an adapter saw to exactly one error kind. */
export function classify(facts: FailureFacts): ProviderError {
  const { status, type, code, requestId } = facts;
  const hints: RetryHints = {
    ...(facts.retryAfterMs === undefined ? {} : { retryAfterMs: facts.retryAfterMs }),
    ...(facts.shouldRetry === undefined ? {} : { shouldRetry: facts.shouldRetry }),
  };
  if (facts.aborted) {
    return { kind: 'canceled' };
  }
  if (facts.timedOut || status === 408 || status === 504) {
    return { kind: 'timeout', endpoint: facts.endpoint, ...hints };
  }
  if (facts.connectionFailed) {
    return { kind: 'network', endpoint: facts.endpoint };
  }
  if (code === 'insufficient_quota' || type === 'insufficient_quota' || type === 'billing_error' || status === 402) {
    return { kind: 'quotaExceeded', requestId };
  }
  if (code !== undefined && /spend_limit|credit_balance|usage_limit/.test(code)) {
    return { kind: 'quotaExceeded', requestId };
  }
  if (code === 'context_length_exceeded' || type === 'model_context_window_exceeded') {
    return { kind: 'contextWindowExceeded', requestId, ...overflowNumbers(facts.providerMessage) };
  }
  if (code === 'content_filter' || type === 'content_filter') {
    return { kind: 'contentFiltered', requestId };
  }
  if (status === 429 || type === 'rate_limit_error' || code === 'rate_limit_exceeded') {
    return { kind: 'rateLimited', requestId, ...hints };
  }
  if (status === 529 || status === 503 || type === 'overloaded_error' || code === 'server_is_overloaded') {
    return { kind: 'overloaded', requestId, ...hints };
  }
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') {
    return { kind: 'authentication', missingKey: false, requestId };
  }
  if (status === 400 && type === 'invalid_request_error' && anthropicContextOverflow.test(facts.providerMessage ?? '')) {
    return { kind: 'contextWindowExceeded', requestId, ...overflowNumbers(facts.providerMessage) };
  }
  if (status === 400 && type === 'invalid_request_error' && anthropicContentFilter.test(facts.providerMessage ?? '')) {
    return { kind: 'contentFiltered', requestId };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return { kind: 'invalidRequest', detail: facts.providerMessage ?? `HTTP ${status}`, requestId };
  }
  return { kind: 'server', status, requestId, ...hints };
}

/** A provider's name as the user knows it; an OpenAI-compatible server is named by its address. */
export function providerLabel(provider: ProviderId, baseUrl: string): string {
  if (provider === 'anthropic') {
    return baseUrl ? `Anthropic (at ${baseUrl})` : 'Anthropic';
  }
  return baseUrl ? `the OpenAI-compatible server at ${baseUrl}` : 'OpenAI';
}

const keySetting: Record<ProviderId, string> = { anthropic: 'ANTHROPIC_API_KEY', openai: 'OPENAI_API_KEY' };
const baseUrlSetting: Record<ProviderId, string> = {
  anthropic: 'tollgate.anthropic.baseUrl',
  openai: 'tollgate.openai.baseUrl',
};

/** One complete sentence or two per error: what happened and what to do next. */
export function describe(error: ProviderError, provider: ProviderId, label: string): string {
  switch (error.kind) {
    case 'rateLimited':
      return `${label} is rate-limiting requests (HTTP 429).${waitAdvice(error.retryAfterMs)}`;
    case 'overloaded':
      return `${label} is overloaded right now.${waitAdvice(error.retryAfterMs)}`;
    case 'contextWindowExceeded':
      return `The request is too long for the model's context window. Start a new chat, or shorten the prompt or the text it includes.`;
    case 'contentFiltered':
      return `${label}'s content filter blocked this request or its answer${error.requestId ? ` (request ${error.requestId})` : ''}. Rephrase the prompt and try again.`;
    case 'quotaExceeded':
      return `Your ${label} account has no quota or credit left. Add credit or raise its spend limit on the provider's billing page, then try again.`;
    case 'authentication': {
      const setKey =
        `Run "Tollgate: Set API Key" in VS Code, or, when running the server on its own, ` +
        `set ${keySetting[provider]} or store the key in the OS keychain with "node dist/server/server.js keys set ${provider}".`;
      if (error.sentWithoutKey) {
        return `Tollgate sent the request to ${label} without an API key, because none is set, and it asks for one. ${setKey}`;
      }
      return error.missingKey
        ? `No API key is set for ${label}. ${setKey}` + (error.keychainProblem ? ` ${error.keychainProblem}` : '')
        : `${label} rejected the API key. Run "Tollgate: Set API Key" to enter a valid key.`;
    }
    case 'invalidRequest':
      return `${label} rejected the request: "${error.detail}". Check tollgate.model and the other Tollgate settings.`;
    case 'network': {
      // A custom endpoint is already in the label; the provider's own one is worth naming.
      const where = error.endpoint && !label.includes(error.endpoint) ? ` at ${error.endpoint}` : '';
      return `Tollgate could not reach ${label}${where}, or the connection dropped. Check your network and ${baseUrlSetting[provider]}.`;
    }
    case 'timeout':
      return `${label} did not answer in time. Try again, or check ${baseUrlSetting[provider]}.`;
    case 'server':
      return `${label} failed on its side${error.status ? ` (HTTP ${error.status})` : ''}. Try again in a moment.`;
    case 'canceled':
      return 'The request was stopped.';
  }
}

/** When to come back: a short wait is "a moment"; one Tollgate will not sleep through is named. */
function waitAdvice(ms: number | undefined): string {
  if (ms === undefined) {
    return ' Try again in a moment.';
  }
  if (ms > longestProviderWaitMs) {
    const minutes = Math.ceil(ms / 60_000);
    return ` It asked to wait ${minutes} minute${minutes === 1 ? '' : 's'}, longer than Tollgate waits on its own. Retry after that.`;
  }
  return ` It asked to wait ${Math.ceil(ms / 1000)} s. Try again in a moment.`;
}

/**
 * Where to add credit, for the `quotaExceeded` action. Only for the providers' own endpoints: behind a
 * custom base URL (a gateway, an OpenAI-compatible server) the provider's page may be the wrong one.
 */
export const billingPages: Record<ProviderId, string> = {
  anthropic: 'https://platform.claude.com/settings/billing',
  openai: 'https://platform.openai.com/settings/organization/billing/overview',
};

/** What the caller knows beyond the error, for the message and `data`. */
export interface ErrorContext {
  /** The call's base URL; empty for the provider's own endpoint. */
  baseUrl?: string;
  /** Provider attempts made (`data.attempts`); the message mentions them when there were several. */
  attempts?: number;
}

/** The JSON-RPC error a handler returns: the message is also `data.message`; keys are never in it. */
export function toResponseError(
  error: ProviderError,
  provider: ProviderId,
  label: string,
  secrets: readonly string[],
  context: ErrorContext = {},
): ResponseError<ErrorData> {
  const several = context.attempts !== undefined && context.attempts > 1 && error.kind !== 'canceled';
  const tried = several ? ` Tollgate tried ${context.attempts} times.` : '';
  const message = redact(describe(error, provider, label) + tried, secrets);
  const data: ErrorData = { kind: error.kind, message, provider };
  if (context.attempts !== undefined) {
    data.attempts = context.attempts;
  }
  if (error.kind === 'quotaExceeded' && !context.baseUrl) {
    data.actionUrl = billingPages[provider];
  }
  if ('retryAfterMs' in error && error.retryAfterMs !== undefined) {
    data.retryAfterMs = error.retryAfterMs;
  }
  if ('requestId' in error && error.requestId !== undefined) {
    data.requestId = error.requestId;
  }
  const code = error.kind === 'canceled' ? TollgateErrorCodes.canceled : TollgateErrorCodes.requestFailed;
  return new ResponseError(code, message, data);
}

/** An error of Tollgate's own making (bad params, bad settings), not a provider's. */
export function requestError(kind: ErrorKind, message: string): ResponseError<ErrorData> {
  return new ResponseError(TollgateErrorCodes.requestFailed, message, { kind, message });
}

/** Provider messages can quote what they were sent; never let a key through. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
