// The fake provider as the real @anthropic-ai/sdk sees it: every scenario and wire quirk through the SDK.
import Anthropic, {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  GatewayTimeoutError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type FakeProvider, startFakeProvider, type WireQuirks } from '../fake-provider';

/** A broken fake must fail a test, not hang the run. */
const TIMEOUT_MS = 5000;

let fake: FakeProvider;
let client: Anthropic;

before(async () => {
  fake = await startFakeProvider();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
});
after(() => fake.close());
beforeEach(() => fake.reset());

const params = {
  model: 'claude-test-1',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'Say hello.' }],
};
const MULTIBYTE_CHUNKS = ['東京', ' — ', 'café', ' ☕', ' done'];

/** Text assembled from the raw stream events, the way a careful client does it. */
async function streamedText(quirks: WireQuirks): Promise<string> {
  fake.enqueue({ type: 'text', chunks: MULTIBYTE_CHUNKS, wire: quirks });
  const stream = await client.messages.create({ ...params, stream: true });
  let text = '';
  const types: string[] = [];
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      text += event.delta.text;
    }
  }
  // Pings are filtered by the SDK, so every quirk yields the same event sequence.
  assert.deepEqual(types, [
    'message_start',
    'content_block_start',
    ...MULTIBYTE_CHUNKS.map(() => 'content_block_delta'),
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  return text;
}

const QUIRKS: Record<string, WireQuirks> = {
  plain: {},
  pings: { pings: true },
  comments: { comments: true },
  crlf: { crlf: true },
  splitWrites: { splitWrites: true },
  'everything at once': { pings: true, comments: true, crlf: true, splitWrites: true, usageOnlyAtEnd: true },
};
for (const [name, quirks] of Object.entries(QUIRKS)) {
  test(`a stream with quirk "${name}" arrives exactly`, { timeout: TIMEOUT_MS }, async () => {
    assert.equal(await streamedText(quirks), '東京 — café ☕ done');
  });
}

test('a non-streaming answer joins the chunks, with input_tokens excluding the cache counts', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({
    type: 'text',
    chunks: ['Hel', 'lo'],
    usage: { inputTokens: 12, outputTokens: 3, cacheReadTokens: 100, cacheWriteTokens: 7 },
  });
  const message = await client.messages.create(params);
  const record = fake.requests[0];
  assert.ok(record);
  assert.deepEqual(message.content, [{ type: 'text', text: 'Hello' }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.model, 'claude-test-1');
  assert.equal(message.usage.input_tokens, 12);
  assert.equal(message.usage.output_tokens, 3);
  assert.equal(message.usage.cache_read_input_tokens, 100);
  assert.equal(message.usage.cache_creation_input_tokens, 7);
  assert.equal(message._request_id, record.requestId);
  assert.equal(record.api, 'anthropic');
  assert.equal(record.path, '/v1/messages');
  assert.equal(record.stream, false);
  assert.equal(record.headers.authorization, 'Bearer sk-ant-test');
  assert.deepEqual(record.body, params);
  assert.equal(record.responseEnded, true);
});

for (const usageOnlyAtEnd of [false, true]) {
  test(`finalMessage() usage is the cumulative total (usageOnlyAtEnd: ${usageOnlyAtEnd})`, { timeout: TIMEOUT_MS }, async () => {
    fake.enqueue({
      type: 'text',
      chunks: ['a', 'b', 'c'],
      blocks: [['second ', 'block']],
      stopReason: 'maxTokens',
      usage: { inputTokens: 20, outputTokens: 9, cacheReadTokens: 4 },
      wire: { usageOnlyAtEnd, pings: true },
    });
    const message = await client.messages.stream(params).finalMessage();
    assert.deepEqual(message.content, [
      { type: 'text', text: 'abc' },
      { type: 'text', text: 'second block' },
    ]);
    assert.equal(message.stop_reason, 'max_tokens');
    assert.equal(message.usage.input_tokens, 20);
    assert.equal(message.usage.output_tokens, 9);
    assert.equal(message.usage.cache_read_input_tokens, 4);
    assert.equal(message.usage.cache_creation_input_tokens, 0);
    assert.equal(fake.requests[0]?.headers['x-stainless-helper-method'], 'stream');
  });
}

const HTTP_ERRORS = [
  { error: 'rateLimited', status: 429, type: 'rate_limit_error', cls: RateLimitError },
  { error: 'overloaded', status: 529, type: 'overloaded_error', cls: OverloadedError },
  { error: 'server', status: 500, type: 'api_error', cls: InternalServerError },
  { error: 'authentication', status: 401, type: 'authentication_error', cls: AuthenticationError },
  { error: 'contextWindowExceeded', status: 400, type: 'invalid_request_error', cls: BadRequestError },
  { error: 'quotaExceeded', status: 402, type: 'billing_error', cls: PaymentRequiredError },
  { error: 'contentFiltered', status: 400, type: 'invalid_request_error', cls: BadRequestError },
  { error: 'invalidRequest', status: 400, type: 'invalid_request_error', cls: BadRequestError },
  { error: 'timeout', status: 504, type: 'timeout_error', cls: GatewayTimeoutError },
  { error: 'permissionDenied', status: 403, type: 'permission_error', cls: PermissionDeniedError },
  { error: 'notFound', status: 404, type: 'not_found_error', cls: NotFoundError },
] as const;

for (const { error, status, type, cls } of HTTP_ERRORS) {
  test(`httpError ${error} → ${cls.name} ${status} ${type}`, { timeout: TIMEOUT_MS }, async () => {
    fake.enqueue({ type: 'httpError', error, retryAfterSeconds: 7, retryAfterMs: 1, shouldRetry: false });
    const thrown = await client.messages.create(params).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(thrown instanceof cls, `got ${String(thrown)}`);
    const record = fake.requests[0];
    assert.ok(record);
    assert.equal(thrown.status, status);
    assert.equal(thrown.type, type);
    assert.equal(thrown.requestID, record.requestId);
    const body = { type: 'error', error: { type, message: thrown.apiMessage }, request_id: record.requestId };
    assert.deepEqual(thrown.error, body);
    // The SDK finds no top-level `message`, so it shows the whole body.
    assert.equal(thrown.message, `${status} ${JSON.stringify(body)}`);
    assert.equal(thrown.headers?.get('retry-after'), '7');
    assert.equal(thrown.headers?.get('retry-after-ms'), '1');
    assert.equal(thrown.headers?.get('x-should-retry'), 'false');
  });
}

test('the context-window and overload messages are the provider texts', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'httpError', error: 'contextWindowExceeded' }, { type: 'httpError', error: 'overloaded' });
  const overflow = await client.messages.create(params).catch((e: unknown) => e);
  assert.ok(overflow instanceof BadRequestError);
  assert.equal(overflow.apiMessage, 'prompt is too long: 219898 tokens > 200000 maximum');
  // Retry headers are sent only when the scenario asks for them.
  assert.equal(overflow.headers.get('retry-after'), null);
  const overloaded = await client.messages.create(params).catch((e: unknown) => e);
  assert.ok(overloaded instanceof APIError);
  assert.equal(overloaded.apiMessage, 'Overloaded');
});

for (const [error, type, message] of [
  ['overloaded', 'overloaded_error', 'Overloaded'],
  ['server', 'api_error', 'Internal server error'],
] as const) {
  test(`streamError ${error} throws a plain APIError with no status after the first chunks`, { timeout: TIMEOUT_MS }, async () => {
    fake.enqueue({ type: 'streamError', chunks: ['one ', 'two ', 'three'], afterChunks: 2, error });
    const stream = await client.messages.create({ ...params, stream: true });
    let text = '';
    const thrown = await (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          text += event.delta.text;
        }
      }
    })().then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.equal(text, 'one two ');
    assert.ok(thrown instanceof APIError);
    assert.ok(!(thrown instanceof InternalServerError));
    assert.equal(thrown.status, undefined);
    assert.equal(thrown.type, type);
    assert.equal(
      thrown.message,
      JSON.stringify({ type: 'error', error: { type, message }, request_id: fake.requests[0]?.requestId }),
    );
  });
}

test('streamError on a non-streaming request is the HTTP error', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'streamError', chunks: ['x'], afterChunks: 1, error: 'overloaded' });
  await assert.rejects(client.messages.create(params), OverloadedError);
});

test('refusal ends with stop_reason "refusal" and the text', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'refusal', text: "I can't help with that." }, { type: 'refusal', text: 'No.' });
  const streamed = await client.messages.stream(params).finalMessage();
  assert.equal(streamed.stop_reason, 'refusal');
  assert.deepEqual(streamed.content, [{ type: 'text', text: "I can't help with that." }]);
  assert.deepEqual(streamed.stop_details, { type: 'refusal', category: null, explanation: null });
  const whole = await client.messages.create(params);
  assert.equal(whole.stop_reason, 'refusal');
  assert.deepEqual(whole.content, [{ type: 'text', text: 'No.' }]);
});

test('contentFilter is a refusal on Anthropic', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'contentFilter', chunks: ['partial ', 'answer'] });
  const message = await client.messages.stream(params).finalMessage();
  assert.equal(message.stop_reason, 'refusal');
  assert.deepEqual(message.content, [{ type: 'text', text: 'partial answer' }]);
});

test('reset → APIConnectionError', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'reset' });
  await assert.rejects(client.messages.create(params), APIConnectionError);
  assert.equal(fake.requests[0]?.clientHungUp, false);
});

test('aborting a stalled stream is recorded as a client hang-up', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'stall', chunks: ['Thinking'] });
  const stream = client.messages.stream(params);
  const texts: string[] = [];
  stream.on('text', (delta) => texts.push(delta));
  // Observed before aborting, so the abort rejection is handled.
  const final = stream.finalMessage().then(
    () => assert.fail('a stalled stream cannot finish'),
    (e: unknown) => e,
  );
  const record = await fake.waitForRequest(1);
  await new Promise<void>((resolve) => stream.once('text', () => resolve()));
  stream.abort();
  await fake.waitForHangUp(record);
  assert.ok((await final) instanceof APIUserAbortError);
  assert.deepEqual(texts, ['Thinking']);
  assert.equal(record.clientHungUp, true);
  assert.equal(record.responseEnded, false);
});

test('hangUp: the stream ends without message_stop and finalMessage() rejects', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'hangUp', chunks: ['Half ', 'an answer'] });
  const stream = client.messages.stream(params);
  const texts: string[] = [];
  stream.on('text', (delta) => texts.push(delta));
  await assert.rejects(stream.finalMessage());
  assert.deepEqual(texts, ['Half ', 'an answer']);
  const record = fake.requests[0];
  assert.equal(record?.responseEnded, false);
  assert.equal(record?.clientHungUp, false);
});

test('with an empty queue the default answer quotes the user, word by word', { timeout: TIMEOUT_MS }, async () => {
  const content = 'Where is *Tokyo*?';
  const events: string[] = [];
  const stream = client.messages.stream({ ...params, messages: [{ role: 'user', content }] });
  stream.on('text', (delta) => events.push(delta));
  const message = await stream.finalMessage();
  const text = "**Offline demo.** Tollgate's fake provider received:\n\n> Where is *Tokyo*?\n\nNo real model was called; configure a provider to get real answers.";
  assert.deepEqual(message.content, [{ type: 'text', text }]);
  assert.equal(events.join(''), text);
  assert.equal(events[0], '**Offline ');
  assert.equal(message.usage.input_tokens, Math.ceil(content.length / 4));
  assert.equal(message.usage.output_tokens, Math.ceil(text.length / 4));
});

test('x-api-key is accepted, a missing key is the real 401, version 2026-10-21 rejects temperature', { timeout: TIMEOUT_MS }, async () => {
  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(`${fake.anthropicBaseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  fake.enqueue({ type: 'text', chunks: ['ok'] });
  const ok = await post({ 'x-api-key': 'sk-ant-old', 'anthropic-version': '2023-06-01' }, { ...params, temperature: 0.5 });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { content: { text: string }[] }).content[0]?.text, 'ok');

  const missing = await post({ 'anthropic-version': '2026-10-21' }, params);
  assert.equal(missing.status, 401);
  assert.deepEqual(await missing.json(), {
    type: 'error',
    error: { type: 'authentication_error', message: 'x-api-key header is required' },
    request_id: missing.headers.get('request-id'),
  });

  const removed = await post({ 'x-api-key': 'k', 'anthropic-version': '2026-10-21' }, { ...params, temperature: 0 });
  assert.equal(removed.status, 400);
  assert.equal(((await removed.json()) as { error: { message: string } }).error.message, 'temperature: Extra inputs are not permitted');
  // Rejected requests are recorded but leave the queue alone.
  assert.equal(fake.requests.length, 3);
  assert.deepEqual(fake.requests.map((r) => r.scenario?.type ?? null), ['text', null, null]);
});
