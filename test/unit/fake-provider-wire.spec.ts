// The fake provider's bytes on the wire, read below the SDKs: SSE framing, quirks, and that split writes
// really arrive as separate pieces.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import { type FakeProvider, type Scenario, startFakeProvider } from '../fake-provider';

/** A broken fake must fail a test, not hang the run. */
const TIMEOUT_MS = 5000;

let fake: FakeProvider;

before(async () => {
  fake = await startFakeProvider();
});
after(() => fake.close());
beforeEach(() => fake.reset());

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as the pieces the HTTP parser handed over, in order. */
  pieces: Buffer[];
  text: string;
}

/** POSTs with node:http so every body piece is seen as it arrived. */
function post(path: string, body: unknown, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const pieces: Buffer[] = [];
      res.on('data', (piece: Buffer) => pieces.push(piece));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, pieces, text: Buffer.concat(pieces).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const anthropicBody = { model: 'claude-test', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }] };
const openaiBody = { model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'Hi' }] };

function anthropicStream(scenario: Scenario): Promise<RawResponse> {
  fake.enqueue(scenario);
  return post('/v1/messages', anthropicBody, { authorization: 'Bearer k', 'anthropic-version': '2026-10-21' });
}

function openaiStream(scenario: Scenario, body: Record<string, unknown> = openaiBody): Promise<RawResponse> {
  fake.enqueue(scenario);
  return post('/v1/chat/completions', body, { authorization: 'Bearer k' });
}

/** True when `bytes` stops in the middle of a UTF-8 character. */
function endsInsideCharacter(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

test('Anthropic: every event has an event: line naming its data type, and the right headers', { timeout: TIMEOUT_MS }, async () => {
  const res = await anthropicStream({ type: 'text', chunks: ['Hel', 'lo'], usage: { inputTokens: 3, outputTokens: 2 } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
  assert.equal(res.headers['request-id'], fake.requests[0]?.requestId);
  const events = res.text.split('\n\n').filter((block) => block !== '');
  const names = events.map((block) => {
    const [eventLine, dataLine, ...rest] = block.split('\n');
    assert.deepEqual(rest, []);
    const name = eventLine?.replace(/^event: /, '');
    assert.equal((JSON.parse(dataLine?.replace(/^data: /, '') ?? '') as { type: string }).type, name);
    return name;
  });
  assert.deepEqual(names, [
    'message_start',
    'content_block_start',
    'content_block_delta',
    'content_block_delta',
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  assert.ok(res.text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n'));
});

test('OpenAI: bare data: lines, usage null until a final choices: [] chunk, then [DONE]', { timeout: TIMEOUT_MS }, async () => {
  const res = await openaiStream(
    { type: 'text', chunks: ['Hel', 'lo'], usage: { inputTokens: 9, outputTokens: 2 } },
    { ...openaiBody, stream_options: { include_usage: true } },
  );
  assert.equal(res.headers['x-request-id'], fake.requests[0]?.requestId);
  assert.ok(!res.text.includes('event:'));
  const data = res.text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => block.replace(/^data: /, ''));
  assert.equal(data.at(-1), '[DONE]');
  const chunks = data.slice(0, -1).map((json) => JSON.parse(json) as { choices: unknown[]; usage: unknown });
  assert.equal(chunks.length, 5);
  assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null && chunk.choices.length === 1));
  assert.deepEqual(chunks.at(-1)?.choices, []);
  assert.deepEqual(chunks.at(-1)?.usage, {
    prompt_tokens: 9,
    completion_tokens: 2,
    total_tokens: 11,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  });
});

test('quirks: pings, comments and CRLF appear on the wire', { timeout: TIMEOUT_MS }, async () => {
  const res = await anthropicStream({ type: 'text', chunks: ['a', 'b'], wire: { pings: true, comments: true, crlf: true } });
  assert.ok(res.text.startsWith(': tollgate-fake keep-alive\r\n\r\n'));
  assert.ok(!/[^\r]\n/.test(res.text), 'every LF is preceded by CR');
  assert.equal(res.text.match(/event: ping\r\ndata: \{"type":"ping"\}\r\n\r\n/g)?.length, 3);
  assert.ok(res.text.includes(': tollgate-fake keep-alive\r\nevent: message_start\r\n'));
});

test('splitWrites: pieces arrive separately, cut inside a line, a UTF-8 character and a CRLF', { timeout: TIMEOUT_MS }, async () => {
  const res = await openaiStream({ type: 'text', chunks: ['東京', ' café ☕'], wire: { splitWrites: true, crlf: true } });
  assert.ok(res.text.includes('"content":"東京"'));
  assert.ok(res.pieces.length > 10, `only ${res.pieces.length} pieces`);
  assert.ok(res.pieces.some(endsInsideCharacter), 'some piece ends inside a multi-byte character');
  assert.ok(res.pieces.some((piece) => piece.at(-1) === 0x0d), 'some piece ends between CR and LF');
  assert.ok(
    res.pieces.some((piece) => piece.toString('latin1').startsWith('da')),
    'some piece starts inside a data: line',
  );
});

test('hangUp without chunks: the stream opens, then the connection closes without an ending', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'hangUp', chunks: [] });
  await assert.rejects(post('/v1/messages', anthropicBody, { 'x-api-key': 'k' }));
  const record = fake.requests[0];
  assert.equal(record?.responseEnded, false);
  assert.equal(record?.clientHungUp, false);
});

test('invalid bodies get the provider 400 and do not consume a scenario', { timeout: TIMEOUT_MS }, async () => {
  fake.enqueue({ type: 'text', chunks: ['kept'] });
  const noMaxTokens = await post('/v1/messages', { model: 'm', messages: [] }, { 'x-api-key': 'k' });
  assert.equal(noMaxTokens.status, 400);
  assert.equal((JSON.parse(noMaxTokens.text) as { error: { message: string } }).error.message, 'max_tokens: Field required');
  const notJson = await new Promise<number>((resolve, reject) => {
    const req = request(`${fake.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{not json');
  });
  assert.equal(notJson, 400);
  assert.equal(fake.requests[1]?.body, '{not json');
  const kept = await post('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] }, { authorization: 'Bearer k' });
  assert.equal((JSON.parse(kept.text) as { choices: { message: { content: string } }[] }).choices[0]?.message.content, 'kept');
});

test('waitForRequest resolves for the next request and times out with a clear message', { timeout: TIMEOUT_MS }, async () => {
  const next = fake.waitForRequest();
  fake.enqueue({ type: 'text', chunks: ['x'] });
  await post('/v1/chat/completions', openaiBody, { authorization: 'Bearer k' });
  assert.equal((await next).api, 'openai');
  await assert.rejects(fake.waitForRequest(5, 20), /timed out after 20 ms waiting for request #5 \(1 arrived so far\)/);
});
