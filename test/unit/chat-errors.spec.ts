/**
 * tollgate/chat failures over LSP: each provider failure the fake can produce arrives as one typed
 * error kind with a message that says what to do, and partial text streamed before a failure is kept.
 * Retries are off here (`retry.maxAttempts: 1`); fault-catalogue.spec.ts covers them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorKind } from '../../server/src/protocol';
import type { FakeProvider, HttpErrorKind } from '../fake-provider';
import { type ServerUnderTest, startAgainstFake, startServerUnderTest } from './support/lspHarness';

const key = 'sk-test-secret-987654';
const hello = [{ role: 'user' as const, content: 'hello' }];

const httpErrors: [HttpErrorKind, ErrorKind][] = [
  ['rateLimited', 'rateLimited'],
  ['overloaded', 'overloaded'],
  ['server', 'server'],
  ['authentication', 'authentication'],
  ['contextWindowExceeded', 'contextWindowExceeded'],
  ['quotaExceeded', 'quotaExceeded'],
  ['contentFiltered', 'contentFiltered'],
  ['invalidRequest', 'invalidRequest'],
];

for (const provider of ['anthropic', 'openai'] as const) {
  describe(`tollgate/chat errors from ${provider}`, () => {
    let fake: FakeProvider;
    let server: ServerUnderTest;
    let close: () => Promise<void>;

    before(async () => {
      ({ fake, server, close } = await startAgainstFake(provider, key, { retry: { maxAttempts: 1 } }));
    });
    after(() => close());

    for (const [fakeError, kind] of httpErrors) {
      test(`HTTP ${fakeError} → ${kind}, one attempt, no key in the message`, async () => {
        fake.enqueue({ type: 'httpError', error: fakeError, retryAfterMs: 1500 });
        const sent = fake.requests.length;
        const { error, result } = await server.chat({ messages: hello });
        assert.equal(result, undefined);
        assert.equal(error?.data?.kind, kind, error?.message);
        assert.equal(error?.code, 1000);
        assert.equal(error?.data?.provider, provider);
        assert.equal(error?.data?.message, error?.message);
        assert.match(error?.message ?? '', /\.$/, 'messages are complete sentences');
        assert.doesNotMatch(JSON.stringify(error?.data), new RegExp(key));
        assert.equal(fake.requests.length, sent + 1, 'the SDK must not retry on its own');
        assert.ok(error?.data?.requestId, 'the provider request id is kept for support');
        if (kind === 'rateLimited') {
          assert.equal(error?.data?.retryAfterMs, 1500);
        }
      });
    }

    test('an error event after 2 chunks keeps exactly those chunks and reports overloaded', async () => {
      fake.enqueue({ type: 'streamError', chunks: ['Par', 'tial ', 'never'], afterChunks: 2, error: 'overloaded' });
      const outcome = await server.chat({ messages: hello });
      assert.equal(outcome.streamedText, 'Partial ');
      assert.equal(outcome.error?.data?.kind, 'overloaded');
    });

    test('a server error event inside the stream reports server', async () => {
      fake.enqueue({ type: 'streamError', chunks: ['a', 'b'], afterChunks: 1, error: 'server' });
      const outcome = await server.chat({ messages: hello });
      assert.equal(outcome.streamedText, 'a');
      assert.equal(outcome.error?.data?.kind, 'server');
    });

    test('a provider that hangs up mid-stream is a network error that keeps the partial text', async () => {
      fake.enqueue({ type: 'hangUp', chunks: ['half ', 'an answer'] });
      const outcome = await server.chat({ messages: hello });
      assert.equal(outcome.streamedText, 'half an answer');
      assert.equal(outcome.error?.data?.kind, 'network');
    });

    test('a connection reset before the first byte is a network error', async () => {
      fake.enqueue({ type: 'reset' });
      const outcome = await server.chat({ messages: hello });
      assert.equal(outcome.error?.data?.kind, 'network');
      assert.match(outcome.error?.message ?? '', /tollgate\.(anthropic|openai)\.baseUrl/);
    });
  });
}

describe('tollgate/chat errors before any provider call', () => {
  let server: ServerUnderTest;
  before(async () => {
    server = await startServerUnderTest({ apiKeys: { anthropic: key }, settings: { provider: 'anthropic' } });
  });
  after(() => server.close());

  test('a missing key names the command that fixes it', async () => {
    const { error } = await server.chat({ messages: hello, provider: 'openai' });
    assert.equal(error?.data?.kind, 'authentication');
    assert.match(error?.message ?? '', /No API key is set for OpenAI\. Run "Tollgate: Set API Key"/);
  });

  test('malformed params are refused with the field named', async () => {
    const { error } = await server.chat({ messages: [{ role: 'robot', content: 'x' }] } as never);
    assert.equal(error?.data?.kind, 'invalidRequest');
    assert.match(error?.message ?? '', /params\.messages\.0\.role/);
    const empty = await server.chat({ messages: [] });
    assert.match(empty.error?.message ?? '', /params\.messages must hold at least one message/);
  });

  test('an unreachable base URL is a network error naming the setting', async () => {
    await server.changeSettings({ provider: 'anthropic', anthropic: { baseUrl: 'http://127.0.0.1:9' } });
    const { error } = await server.chat({ messages: hello });
    assert.equal(error?.data?.kind, 'network');
    assert.match(error?.message ?? '', /could not reach Anthropic \(at http:\/\/127\.0\.0\.1:9\).*tollgate\.anthropic\.baseUrl/);
  });

  test('an unknown method gets MethodNotFound with the methods that exist', async () => {
    await assert.rejects(server.connection.sendRequest('tollgate/nope', {}), (error: Error & { code?: number }) => {
      assert.equal(error.code, -32601);
      assert.match(error.message, /no method "tollgate\/nope".*tollgate\/chat.*docs\/protocol\.md/);
      return true;
    });
  });
});
