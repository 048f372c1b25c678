// Error responses exactly as each provider sends them (provider-wire.md §1.4-1.5, §2.2, §2.4). The two
// envelopes differ on purpose: Anthropic wraps `{type:"error", error:{type,message}, request_id}`, OpenAI
// sends `{error:{message,type,param,code}}` with no top-level type.
import type { HttpErrorKind, StreamErrorKind } from './scenario';

/** A non-2xx answer: its status and JSON body (headers are added by the server). */
export interface ErrorReply {
  status: number;
  body: unknown;
}

// ---- Anthropic ----

interface AnthropicErrorSpec {
  status: number;
  type: string;
  message: string;
}

/** One fixed organization and model name keep messages deterministic for exact assertions. */
const FAKE_ORG = '00000000-0000-4000-8000-000000000000';

/**
 * Anthropic's status, `error.type` and message per kind. `quotaExceeded` is the 2026 API's 402 `billing_error`;
 * `contentFiltered` is the 400 Anthropic answers when output trips its filter (commonly observed, not in
 * provider-wire.md); the context-window numbers are fixed so tests can assert the text.
 */
function anthropicSpec(kind: HttpErrorKind, model: string): AnthropicErrorSpec {
  switch (kind) {
    case 'rateLimited':
      return {
        status: 429,
        type: 'rate_limit_error',
        message:
          `This request would exceed your organization's rate limit of 30,000 input tokens per minute ` +
          `(org: ${FAKE_ORG}, model: ${model}). For details, refer to: https://docs.claude.com/en/api/rate-limits. ` +
          'You can see the response headers for current usage. Please reduce the prompt length or the maximum ' +
          'tokens requested, or try again later. You may also contact sales at ' +
          'https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
      };
    case 'overloaded':
      return { status: 529, type: 'overloaded_error', message: 'Overloaded' };
    case 'server':
      return { status: 500, type: 'api_error', message: 'Internal server error' };
    case 'authentication':
      return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
    case 'contextWindowExceeded':
      return { status: 400, type: 'invalid_request_error', message: 'prompt is too long: 219898 tokens > 200000 maximum' };
    case 'quotaExceeded':
      return {
        status: 402,
        type: 'billing_error',
        message:
          'Your credit balance is too low to access the Anthropic API. ' +
          'Please go to Plans & Billing to upgrade or purchase credits.',
      };
    case 'contentFiltered':
      return { status: 400, type: 'invalid_request_error', message: 'Output blocked by content filtering policy' };
    case 'invalidRequest':
      return { status: 400, type: 'invalid_request_error', message: 'messages: text content blocks must be non-empty' };
    case 'timeout':
      // Status and type from the SDK's table (provider-wire.md §1.5); the message text is not documented.
      return { status: 504, type: 'timeout_error', message: 'Request timed out' };
    case 'permissionDenied':
      return { status: 403, type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' };
    case 'notFound':
      return { status: 404, type: 'not_found_error', message: `model: ${model}` };
  }
}

/** The Anthropic error envelope; the live API appends `request_id` to every error body. */
function anthropicErrorBody(type: string, message: string, requestId: string): unknown {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

export function anthropicHttpError(kind: HttpErrorKind, model: string, requestId: string, message?: string): ErrorReply {
  const spec = anthropicSpec(kind, model);
  return { status: spec.status, body: anthropicErrorBody(spec.type, message ?? spec.message, requestId) };
}

/** The body of Anthropic's in-stream `event: error`. */
export function anthropicStreamErrorBody(kind: StreamErrorKind, requestId: string): unknown {
  const spec = anthropicSpec(kind, '');
  return anthropicErrorBody(spec.type, spec.message, requestId);
}

/** Anthropic's answer to a request without any key. */
export function anthropicMissingKey(requestId: string): ErrorReply {
  return { status: 401, body: anthropicErrorBody('authentication_error', 'x-api-key header is required', requestId) };
}

export function anthropicBadRequest(message: string, requestId: string): ErrorReply {
  return { status: 400, body: anthropicErrorBody('invalid_request_error', message, requestId) };
}

export function anthropicNotFound(requestId: string): ErrorReply {
  return { status: 404, body: anthropicErrorBody('not_found_error', 'Not Found', requestId) };
}

// ---- OpenAI ----

/** OpenAI's inner error object; `type` is a string or (Azure) null, `code` often null. */
interface OpenAIErrorObject {
  message: string;
  type: string | null;
  param: string | null;
  code: string | null;
  [extra: string]: unknown;
}

const OPENAI_SERVER_ERROR: OpenAIErrorObject = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  param: null,
  code: null,
};

/**
 * OpenAI's overload, as seen in 2026 both in 503 bodies and inside 200 streams; clients classify it by `code`
 * (e.g. https://github.com/anomalyco/opencode/issues/25730, https://github.com/zed-industries/zed/pull/63238).
 */
const OPENAI_OVERLOADED: OpenAIErrorObject = {
  message: 'Our servers are currently overloaded. Please try again later.',
  type: 'service_unavailable_error',
  param: null,
  code: 'server_is_overloaded',
};

const AZURE_CONTENT_FILTER: OpenAIErrorObject = {
  message:
    "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please " +
    'modify your prompt and retry. To learn more about our content filtering policies please read our ' +
    'documentation: https://go.microsoft.com/fwlink/?linkid=2198766',
  type: null,
  param: 'prompt',
  code: 'content_filter',
  status: 400,
  innererror: {
    code: 'ResponsibleAIPolicyViolation',
    content_filter_result: {
      hate: { filtered: false, severity: 'safe' },
      jailbreak: { filtered: false, detected: false },
      self_harm: { filtered: false, severity: 'safe' },
      sexual: { filtered: false, severity: 'safe' },
      violence: { filtered: true, severity: 'medium' },
    },
  },
};

/** How OpenAI quotes a wrong key back: the start and the last four characters, the rest starred. */
function maskKey(key: string): string {
  return key.length < 8 ? key : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

/** OpenAI's status and error object per kind (Azure's content-filter 400 for `contentFiltered`). */
function openaiSpec(kind: HttpErrorKind, model: string, apiKey: string): { status: number; error: OpenAIErrorObject } {
  switch (kind) {
    case 'rateLimited':
      return {
        status: 429,
        error: {
          message:
            `Rate limit reached for ${model} in organization org-fake on tokens per min (TPM): Limit 30000, ` +
            'Used 29937, Requested 385. Please try again in 644ms. ' +
            'Visit https://platform.openai.com/account/rate-limits to learn more.',
          type: 'tokens',
          param: null,
          code: 'rate_limit_exceeded',
        },
      };
    case 'quotaExceeded':
      return {
        status: 429,
        error: {
          message:
            'You exceeded your current quota, please check your plan and billing details. For more information ' +
            'on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      };
    case 'overloaded':
      return { status: 503, error: OPENAI_OVERLOADED };
    case 'server':
      return { status: 500, error: OPENAI_SERVER_ERROR };
    case 'authentication':
      return {
        status: 401,
        error: {
          message:
            `Incorrect API key provided: ${maskKey(apiKey)}. ` +
            'You can find your API key at https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      };
    case 'contextWindowExceeded':
      return {
        status: 400,
        error: {
          message:
            "This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. " +
            'Please reduce the length of the messages.',
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      };
    case 'contentFiltered':
      return { status: 400, error: AZURE_CONTENT_FILTER };
    case 'invalidRequest':
      return {
        status: 400,
        error: {
          message:
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'empty_array',
        },
      };
    case 'timeout':
      // A 408 is retried by the SDK (provider-wire.md §2.4); OpenAI documents no body, so the envelope is generic.
      return { status: 408, error: { message: 'Request timed out.', type: 'timeout', param: null, code: null } };
    case 'permissionDenied':
      return {
        status: 403,
        error: {
          message: 'You have insufficient permissions for this operation.',
          type: 'invalid_request_error',
          param: null,
          code: 'insufficient_permissions',
        },
      };
    case 'notFound':
      return {
        status: 404,
        error: {
          message: `The model \`${model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      };
  }
}

export function openaiHttpError(kind: HttpErrorKind, model: string, apiKey: string, message?: string): ErrorReply {
  const spec = openaiSpec(kind, model, apiKey);
  return { status: spec.status, body: { error: { ...spec.error, message: message ?? spec.error.message } } };
}

/** The `data:` payload of OpenAI's in-stream error. */
export function openaiStreamErrorBody(kind: StreamErrorKind): unknown {
  return { error: kind === 'overloaded' ? OPENAI_OVERLOADED : OPENAI_SERVER_ERROR };
}

export function openaiBadRequest(message: string, param: string | null, code: string | null): ErrorReply {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

/** OpenAI's answer to a request without any key. */
export function openaiMissingKey(): ErrorReply {
  return {
    status: 401,
    body: {
      error: {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using " +
          'Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if ' +
          "you're accessing the API from your browser and are prompted for a username and password. You can " +
          'obtain an API key from https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    },
  };
}

export function openaiNotFound(method: string, path: string): ErrorReply {
  return {
    status: 404,
    body: { error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null } },
  };
}
