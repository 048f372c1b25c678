/** classify(): every provider failure becomes exactly one kind; messages say what to do and never leak a key. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, type FailureFacts, providerLabel, redact, toResponseError } from '../../server/src/errors';
import { TollgateErrorCodes } from '../../server/src/protocol';
import { retryAfterMs, shouldRetry } from '../../server/src/providers/retryAfter';

const cases: [string, FailureFacts, string][] = [
  ['our own abort', { aborted: true }, 'canceled'],
  ['SDK timeout', { timedOut: true }, 'timeout'],
  ['HTTP 408', { status: 408 }, 'timeout'],
  ['connection refused', { connectionFailed: true, endpoint: 'http://127.0.0.1:1' }, 'network'],
  ['Anthropic 429', { status: 429, type: 'rate_limit_error', retryAfterMs: 1 }, 'rateLimited'],
  ['OpenAI 429 rate limit', { status: 429, type: 'tokens', code: 'rate_limit_exceeded' }, 'rateLimited'],
  ['OpenAI 429 insufficient_quota', { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' }, 'quotaExceeded'],
  ['Anthropic 429 spend limit', { status: 429, type: 'rate_limit_error', code: 'enforced_spend_limit_reached' }, 'quotaExceeded'],
  ['Anthropic 402 billing', { status: 402, type: 'billing_error' }, 'quotaExceeded'],
  ['Anthropic 529', { status: 529, type: 'overloaded_error' }, 'overloaded'],
  ['Anthropic overloaded inside a stream', { type: 'overloaded_error' }, 'overloaded'],
  ['OpenAI 503', { status: 503, type: 'server_error' }, 'overloaded'],
  ['OpenAI overloaded inside a stream', { type: 'service_unavailable_error', code: 'server_is_overloaded' }, 'overloaded'],
  ['HTTP 500', { status: 500, type: 'api_error' }, 'server'],
  ['OpenAI server_error inside a stream', { type: 'server_error' }, 'server'],
  ['401', { status: 401, type: 'authentication_error' }, 'authentication'],
  ['403', { status: 403, type: 'permission_error' }, 'authentication'],
  [
    'Anthropic prompt too long',
    { status: 400, type: 'invalid_request_error', providerMessage: 'prompt is too long: 219898 tokens > 200000 maximum' },
    'contextWindowExceeded',
  ],
  [
    'Anthropic input + max_tokens over the limit',
    {
      status: 400,
      type: 'invalid_request_error',
      providerMessage: 'input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length',
    },
    'contextWindowExceeded',
  ],
  ['OpenAI context_length_exceeded', { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' }, 'contextWindowExceeded'],
  ['Azure content_filter 400', { status: 400, code: 'content_filter' }, 'contentFiltered'],
  [
    'Anthropic content filtering 400 (no code: matched by text)',
    { status: 400, type: 'invalid_request_error', providerMessage: 'Output blocked by content filtering policy' },
    'contentFiltered',
  ],
  ['Anthropic 504 timeout_error', { status: 504, type: 'timeout_error' }, 'timeout'],
  ['OpenAI finish_reason content_filter', { type: 'content_filter' }, 'contentFiltered'],
  ['unknown model 404', { status: 404, type: 'not_found_error', providerMessage: 'model: nope' }, 'invalidRequest'],
  ['other 400', { status: 400, type: 'invalid_request_error', providerMessage: 'max_tokens: must be positive' }, 'invalidRequest'],
];

for (const [name, facts, kind] of cases) {
  test(`classify: ${name} → ${kind}`, () => {
    assert.equal(classify(facts).kind, kind);
  });
}

test('classify keeps the retry-after and request id a rate limit needs', () => {
  assert.deepEqual(classify({ status: 429, retryAfterMs: 1500, requestId: 'req_1' }), {
    kind: 'rateLimited',
    retryAfterMs: 1500,
    requestId: 'req_1',
  });
});

test('retryAfterMs prefers retry-after-ms, reads seconds and HTTP dates, ignores garbage', () => {
  const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });
  assert.equal(retryAfterMs(headers({ 'retry-after-ms': '1.4', 'retry-after': '9' })), 1);
  assert.equal(retryAfterMs(headers({ 'retry-after': '12' })), 12000);
  const now = Date.parse('2026-11-28T10:00:00Z');
  assert.equal(retryAfterMs(headers({ 'retry-after': 'Sat, 28 Nov 2026 10:00:30 GMT' }), now), 30000);
  assert.equal(retryAfterMs(headers({ 'retry-after': 'soon' })), undefined);
  assert.equal(retryAfterMs(undefined), undefined);
});

test('a missing key names the command and the environment variable', () => {
  const error = toResponseError({ kind: 'authentication', missingKey: true }, 'openai', 'OpenAI', []);
  assert.equal(error.code, TollgateErrorCodes.requestFailed);
  assert.equal(error.data?.kind, 'authentication');
  assert.match(error.message, /No API key is set for OpenAI\. Run "Tollgate: Set API Key"/);
  assert.match(error.message, /OPENAI_API_KEY/);
});

test('cancellation uses LSP RequestCancelled (-32800)', () => {
  const error = toResponseError({ kind: 'canceled' }, 'anthropic', 'Anthropic', []);
  assert.equal(error.code, -32800);
  assert.equal(error.data?.kind, 'canceled');
});

test('provider text that quotes the key is redacted from messages', () => {
  const key = 'sk-secret-1234567890';
  const error = toResponseError(
    { kind: 'invalidRequest', detail: `Incorrect API key provided: ${key}.` },
    'openai',
    'OpenAI',
    [key],
  );
  assert.doesNotMatch(error.message, /sk-secret/);
  assert.doesNotMatch(JSON.stringify(error.data), /sk-secret/);
  assert.equal(redact(`a ${key} b`, [key]), 'a [redacted] b');
});

test('an OpenAI-compatible server is named by its address', () => {
  assert.equal(providerLabel('openai', 'http://localhost:11434/v1'), 'the OpenAI-compatible server at http://localhost:11434/v1');
  assert.equal(providerLabel('openai', ''), 'OpenAI');
});

test('classify keeps x-should-retry and retry-after on every retried kind', () => {
  assert.deepEqual(classify({ status: 529, type: 'overloaded_error', shouldRetry: false, retryAfterMs: 5 }), {
    kind: 'overloaded',
    requestId: undefined,
    retryAfterMs: 5,
    shouldRetry: false,
  });
  assert.deepEqual(classify({ status: 500, shouldRetry: true }), { kind: 'server', status: 500, requestId: undefined, shouldRetry: true });
  assert.deepEqual(classify({ status: 504, retryAfterMs: 9 }), { kind: 'timeout', endpoint: undefined, retryAfterMs: 9 });
});

test("an overflow keeps the provider's own count and limit, where its message says them", () => {
  const overflow = (providerMessage: string, code?: string) =>
    classify({ status: 400, type: 'invalid_request_error', code, providerMessage });
  assert.deepEqual(overflow('prompt is too long: 219898 tokens > 200000 maximum'), {
    kind: 'contextWindowExceeded',
    requestId: undefined,
    promptTokens: 219898,
    limitTokens: 200000,
  });
  assert.deepEqual(
    overflow('input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length'),
    { kind: 'contextWindowExceeded', requestId: undefined, promptTokens: 207951, limitTokens: 200000 },
  );
  const openai = overflow(
    "This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.",
    'context_length_exceeded',
  );
  assert.deepEqual(openai, { kind: 'contextWindowExceeded', requestId: undefined, promptTokens: 4294, limitTokens: 4097 });
  const plain = overflow('Your input exceeds the context window of this model.', 'context_length_exceeded');
  assert.deepEqual(plain, { kind: 'contextWindowExceeded', requestId: undefined });
});

test('x-should-retry is read as true, false, or not said', () => {
  const headers = (value?: string) => ({ get: (name: string) => (name === 'x-should-retry' ? (value ?? null) : null) });
  assert.equal(shouldRetry(headers('true')), true);
  assert.equal(shouldRetry(headers('false')), false);
  assert.equal(shouldRetry(headers('maybe')), undefined);
  assert.equal(shouldRetry(headers()), undefined);
});

test('quota errors link the provider billing page, but only for its own endpoint', () => {
  const own = toResponseError({ kind: 'quotaExceeded' }, 'anthropic', 'Anthropic', [], { baseUrl: '' });
  assert.equal(own.data?.actionUrl, 'https://platform.claude.com/settings/billing');
  const openai = toResponseError({ kind: 'quotaExceeded' }, 'openai', 'OpenAI', []);
  assert.match(openai.data?.actionUrl ?? '', /^https:\/\/platform\.openai\.com\//);
  const proxied = toResponseError({ kind: 'quotaExceeded' }, 'openai', 'x', [], { baseUrl: 'http://localhost:8080/v1' });
  assert.equal(proxied.data?.actionUrl, undefined);
});

test('the message says how many attempts were made, and a long provider wait in minutes', () => {
  const error = toResponseError({ kind: 'rateLimited', retryAfterMs: 90_000 }, 'anthropic', 'Anthropic', [], { attempts: 2 });
  assert.equal(
    error.message,
    'Anthropic is rate-limiting requests (HTTP 429). It asked to wait 2 minutes, longer than Tollgate waits on its own. ' +
      'Retry after that. Tollgate tried 2 times.',
  );
  assert.equal(error.data?.retryAfterMs, 90_000);
  assert.equal(error.data?.attempts, 2);
});
