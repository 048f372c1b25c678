// The fake provider as the real `openai` SDK sees it: every scenario and wire quirk through the SDK.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import OpenAI, {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { type FakeProvider, startFakeProvider, type WireQuirks } from '../fake-provider';

/** A broken fake must fail a test, not hang the run. */
const TIMEOUT_MS = 5000;

let fake: FakeProvider;
let client: OpenAI;

before(async () => {
  fake = await startFakeProvider();
  client = new OpenAI({ apiKey: 'sk-test-1234567890', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
});
after(() => fake.close());
beforeEach(() => fake.reset());

const params = { model: 'gpt-test', messages: [{ role: 'user' as const, content: 'Say hello.' }] };
const MULTIBYTE_CHUNKS = ['東京', ' — ', 'café', ' ☕', ' done'];

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  return chunks;
}

const contentOf = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

const QUIRKS: Record<string, WireQuirks> = {
  plain: {},
  comments: { comments: true },
  crlf: { crlf: true },
  splitWrites: { splitWrites: true },
  'everything at once': { pings: true, comments: true, crlf: true, splitWrites: true, usageOnlyAtEnd: true },
};
for (const [name, quirks] of Object.entries(QUIRKS)) {
  test(`a stream with quirk "${name}" arrives exactly`, { timeout: TIMEOUT_MS }, async () => {
    fake.enqueue({ type: 'text', chunks: MULTIBYTE_CHUNKS, wire: quirks });
    const chunks = await collect(await client.chat.completions.create({ ...params, stream: true }));
    assert.equal(contentOf(chunks), '東京 — café ☕ done');
    // role chunk + one per text chunk + the finish chunk; no usage chunk without include_usage.
    assert.equal(chunks.length, MULTIBYTE_CHUNKS.length + 2);
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
    assert.ok(chunks.every((chunk) => !('usage' in chunk)));
  });
}

test('a non-streaming answer: prompt_tokens includes the cached tokens', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({
    type: 'text',
    chunks: ['Hel', 'lo'],
    blocks: [[' world']],
    usage: { inputTokens: 12, outputTokens: 3, cacheReadTokens: 100 },
  });
  const completion = await client.chat.completions.create(params);
  const record = fake.requests[0];
  assert.ok(record);
  assert.equal(completion.choices[0]?.message.content, 'Hello world');
  assert.equal(completion.choices[0]?.message.refusal, null);
  assert.equal(completion.choices[0]?.finish_reason, 'stop');
  assert.equal(completion.model, 'gpt-test');
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.usage?.prompt_tokens, 112);
  assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 100);
  assert.equal(completion.usage?.completion_tokens, 3);
  assert.equal(completion.usage?.total_tokens, 115);
  assert.equal(completion._request_id, record.requestId);
  assert.equal(record.api, 'openai');
  assert.equal(record.path, '/v1/chat/completions');
  assert.equal(record.headers.authorization, 'Bearer sk-test-1234567890');
  assert.deepEqual(record.body, params);
});

test('include_usage: usage only in a final choices: [] chunk; finalChatCompletion() has it', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({
    type: 'text',
    chunks: ['a', 'b'],
    stopReason: 'maxTokens',
    usage: { inputTokens: 5, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4 },
  });
  const chunks = await collect(
    await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }),
  );
  const last = chunks.at(-1);
  assert.deepEqual(last?.choices, []);
  assert.equal(last?.usage?.prompt_tokens, 12);
  assert.equal(last?.usage?.prompt_tokens_details?.cached_tokens, 3);
  assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'length');
  assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));

  fake.enqueue({ type: 'text', chunks: ['x', 'y'], usage: { inputTokens: 7, outputTokens: 2 } });
  const final = await client.chat.completions
    .stream({ ...params, stream_options: { include_usage: true } })
    .finalChatCompletion();
  assert.equal(final.choices[0]?.message.content, 'xy');
  assert.deepEqual(
    { prompt: final.usage?.prompt_tokens, completion: final.usage?.completion_tokens, total: final.usage?.total_tokens },
    { prompt: 7, completion: 2, total: 9 },
  );
});

const HTTP_ERRORS = [
  { error: 'rateLimited', status: 429, type: 'tokens', code: 'rate_limit_exceeded', param: null, cls: RateLimitError },
  { error: 'quotaExceeded', status: 429, type: 'insufficient_quota', code: 'insufficient_quota', param: null, cls: RateLimitError },
  { error: 'overloaded', status: 503, type: 'service_unavailable_error', code: 'server_is_overloaded', param: null, cls: InternalServerError },
  { error: 'server', status: 500, type: 'server_error', code: null, param: null, cls: InternalServerError },
  { error: 'authentication', status: 401, type: 'invalid_request_error', code: 'invalid_api_key', param: null, cls: AuthenticationError },
  { error: 'contextWindowExceeded', status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages', cls: BadRequestError },
  { error: 'contentFiltered', status: 400, type: null, code: 'content_filter', param: 'prompt', cls: BadRequestError },
  { error: 'invalidRequest', status: 400, type: 'invalid_request_error', code: 'empty_array', param: 'messages', cls: BadRequestError },
  { error: 'timeout', status: 408, type: 'timeout', code: null, param: null, cls: APIError },
  { error: 'permissionDenied', status: 403, type: 'invalid_request_error', code: 'insufficient_permissions', param: null, cls: PermissionDeniedError },
  { error: 'notFound', status: 404, type: 'invalid_request_error', code: 'model_not_found', param: null, cls: NotFoundError },
] as const;

for (const { error, status, type, code, param, cls } of HTTP_ERRORS) {
  test(`httpError ${error} → ${cls.name} ${status} ${code ?? type}`, { timeout: TIMEOUT_MS }, async () => {
    fake.enqueue({ type: 'httpError', error, retryAfterSeconds: 7, retryAfterMs: 1, shouldRetry: false });
    const thrown = await client.chat.completions.create(params).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(thrown instanceof cls, `got ${String(thrown)}`);
    assert.equal(thrown.status, status);
    assert.equal(thrown.type, type);
    assert.equal(thrown.code, code);
    assert.equal(thrown.param, param);
    assert.equal(thrown.requestID, fake.requests[0]?.requestId);
    const inner = thrown.error as { message: string };
    assert.equal(thrown.message, `${status} ${inner.message}`);
    // Every class here is an APIError; the plain one (408) leaves its headers' type generic.
    const headers = (thrown as APIError<number, Headers>).headers;
    assert.equal(headers.get('retry-after'), '7');
    assert.equal(headers.get('retry-after-ms'), '1');
    assert.equal(headers.get('x-should-retry'), 'false');
  });
}

test('error texts: the key is masked, the context overflow is verbatim, message overrides apply', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue(
    { type: 'httpError', error: 'authentication' },
    { type: 'httpError', error: 'contextWindowExceeded' },
    { type: 'httpError', error: 'server', message: 'Custom text.' },
  );
  const auth = await client.chat.completions.create(params).catch((e: unknown) => e);
  assert.ok(auth instanceof APIError);
  assert.equal(
    auth.message,
    '401 Incorrect API key provided: sk-***********7890. You can find your API key at https://platform.openai.com/account/api-keys.',
  );
  const overflow = await client.chat.completions.create(params).catch((e: unknown) => e);
  assert.ok(overflow instanceof APIError);
  assert.equal(
    overflow.message,
    "400 This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.",
  );
  const custom = await client.chat.completions.create(params).catch((e: unknown) => e);
  assert.ok(custom instanceof APIError);
  assert.equal(custom.message, '500 Custom text.');
});

for (const [error, type, code, message] of [
  ['server', 'server_error', null, 'The server had an error while processing your request. Sorry about that!'],
  ['overloaded', 'service_unavailable_error', 'server_is_overloaded', 'Our servers are currently overloaded. Please try again later.'],
] as const) {
  test(`streamError ${error} throws a plain APIError with no status after the first chunks`, { timeout: TIMEOUT_MS }, async () => {
    fake.enqueue({ type: 'streamError', chunks: ['one ', 'two ', 'three'], afterChunks: 2, error });
    const stream = await client.chat.completions.create({ ...params, stream: true });
    let text = '';
    const thrown = await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
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
    assert.equal(thrown.code, code);
    assert.equal(thrown.message, message);
  });
}

test('contentFilter ends with finish_reason "content_filter", streamed or not', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'contentFilter', chunks: ['partial ', 'answer'] }, { type: 'contentFilter', chunks: ['cut'] });
  const streamed = await client.chat.completions.stream(params).finalChatCompletion();
  assert.equal(streamed.choices[0]?.finish_reason, 'content_filter');
  assert.equal(streamed.choices[0]?.message.content, 'partial answer');
  const whole = await client.chat.completions.create(params);
  assert.equal(whole.choices[0]?.finish_reason, 'content_filter');
  assert.equal(whole.choices[0]?.message.content, 'cut');
});

test('refusal: the refusal field (delta.refusal when streaming) with content null', { timeout: TIMEOUT_MS }, async () => {
  const text = "I'm sorry, I can't assist with that request.";
  fake.enqueue({ type: 'refusal', text }, { type: 'refusal', text });
  const refusals: string[] = [];
  const stream = client.chat.completions.stream(params);
  stream.on('refusal.delta', ({ delta }) => refusals.push(delta));
  const streamed = await stream.finalChatCompletion();
  assert.equal(streamed.choices[0]?.message.refusal, text);
  assert.equal(streamed.choices[0]?.message.content, null);
  assert.equal(streamed.choices[0]?.finish_reason, 'stop');
  assert.ok(refusals.length > 1, 'the refusal arrives in several fragments');
  assert.equal(refusals.join(''), text);
  const whole = await client.chat.completions.create(params);
  assert.equal(whole.choices[0]?.message.refusal, text);
  assert.equal(whole.choices[0]?.message.content, null);
});

test('reset → APIConnectionError', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'reset' });
  await assert.rejects(client.chat.completions.create(params), APIConnectionError);
});

test('aborting a stalled stream is recorded as a client hang-up', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'stall' });
  const controller = new AbortController();
  const stream = await client.chat.completions.create({ ...params, stream: true }, { signal: controller.signal });
  const record = fake.requests[0];
  assert.ok(record);
  controller.abort();
  await fake.waitForHangUp(record);
  // openai@7 treats the caller's own abort as the end of the stream, not an error.
  const received = await collect(stream);
  assert.ok(received.every((chunk) => (chunk.choices[0]?.delta.content ?? '') === ''));
  assert.equal(record.clientHungUp, true);
  assert.equal(record.responseEnded, false);
});

test('a stalled non-streaming request can be aborted too', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'stall' });
  const controller = new AbortController();
  const pending = client.chat.completions.create(params, { signal: controller.signal });
  const record = await fake.waitForRequest(1);
  controller.abort();
  await assert.rejects(pending, APIUserAbortError);
  await fake.waitForHangUp(record);
});

test('hangUp: the chunks arrive, then the connection dies without [DONE]', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'hangUp', chunks: ['Half ', 'an answer'] });
  const stream = await client.chat.completions.create({ ...params, stream: true });
  let text = '';
  const outcome = await (async () => {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
  })().then(
    () => 'ended',
    (e: unknown) => e,
  );
  assert.equal(text, 'Half an answer');
  assert.ok(outcome instanceof Error, `expected a connection error, got ${String(outcome)}`);
  assert.equal(fake.requests[0]?.responseEnded, false);
  assert.equal(fake.requests[0]?.clientHungUp, false);
});

test('hangUp on a non-streaming request: half a body, then a connection error', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'hangUp', chunks: ['never complete'] });
  await assert.rejects(client.chat.completions.create(params));
});

test('a missing key is the real 401 and unknown paths the real 404', { timeout: TIMEOUT_MS }, async () => {
  const missing = await fetch(`${fake.openaiBaseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify(params) });
  assert.equal(missing.status, 401);
  const body = (await missing.json()) as { error: { message: string; code: unknown; type: string } };
  assert.match(body.error.message, /^You didn't provide an API key\./);
  assert.equal(body.error.type, 'invalid_request_error');
  assert.equal(body.error.code, null);
  assert.equal(missing.headers.get('x-request-id'), fake.requests[0]?.requestId);

  await assert.rejects(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }), (e: unknown) => {
    assert.ok(e instanceof APIError);
    assert.equal(e.status, 404);
    assert.equal(e.message, '404 Invalid URL (POST /v1/embeddings)');
    return true;
  });
});
