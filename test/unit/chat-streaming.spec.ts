/**
 * tollgate/chat over LSP, against the wire-exact fake provider through the real SDKs: every stream a
 * naive client gets wrong arrives exactly — no lost or doubled character — for both providers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeProvider, WireQuirks } from '../fake-provider';
import { type ServerUnderTest, startAgainstFake } from './support/lspHarness';

const chunks = ['Hel', 'lo, ', '東京', ' — café ☕', ' and 🧪 emoji', '\n\n```ts\nconst a = 1;\n```'];
const expected = chunks.join('');

const quirks: [string, WireQuirks][] = [
  ['a plain stream', {}],
  ['ping events between deltas', { pings: true }],
  ['SSE comment lines', { comments: true }],
  ['CRLF line endings', { crlf: true }],
  ['TCP writes split inside a line and inside a UTF-8 character', { splitWrites: true }],
  ['usage only at the end', { usageOnlyAtEnd: true }],
  ['all quirks at once', { pings: true, comments: true, crlf: true, splitWrites: true, usageOnlyAtEnd: true }],
];

for (const provider of ['anthropic', 'openai'] as const) {
  describe(`tollgate/chat streams from ${provider}`, () => {
    let fake: FakeProvider;
    let server: ServerUnderTest;
    let close: () => Promise<void>;

    before(async () => {
      ({ fake, server, close } = await startAgainstFake(provider, 'sk-test-key-123'));
    });
    after(() => close());

    for (const [name, wire] of quirks) {
      test(`${name}: every character arrives once, in order`, async () => {
        fake.enqueue({
          type: 'text',
          chunks,
          wire,
          usage: { inputTokens: 12, outputTokens: 34, cacheReadTokens: 5, cacheWriteTokens: 7 },
        });
        const outcome = await server.chat({ messages: [{ role: 'user', content: 'Say hello' }] });
        assert.equal(outcome.error, undefined, outcome.error?.message);
        assert.equal(outcome.streamedText, expected);
        assert.equal(outcome.result?.text, expected);
        assert.ok(outcome.deltas.length >= 1);
        assert.equal(outcome.result?.stopReason, 'end');
        assert.deepEqual(outcome.result?.usage, {
          inputTokens: 12,
          outputTokens: 34,
          cacheReadTokens: 5,
          cacheWriteTokens: 7,
        });
        assert.equal(outcome.result?.attempts, 1);
      });
    }

    test('several text blocks are joined without a separator', async () => {
      fake.enqueue({ type: 'text', chunks: ['first', ' block.'], blocks: [[' Second', ' block.'], [' Third.']] });
      const outcome = await server.chat({ messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(outcome.streamedText, 'first block. Second block. Third.');
      assert.equal(outcome.result?.text, 'first block. Second block. Third.');
    });

    test('the request carries the key, model, output cap, system prompt and history', async () => {
      fake.enqueue({ type: 'text', chunks: ['ok'] });
      const before = fake.requests.length;
      await server.chat({
        system: 'Be brief.',
        model: 'model-under-test',
        maxTokens: 77,
        messages: [
          { role: 'user', content: 'one' },
          { role: 'assistant', content: 'two' },
          { role: 'user', content: 'three' },
        ],
      });
      const request = fake.requests[before];
      assert.ok(request, 'the fake saw no request');
      assert.equal(request.api, provider);
      assert.equal(request.stream, true);
      assert.equal(request.headers['authorization'], 'Bearer sk-test-key-123');
      const body = request.body as Record<string, unknown>;
      assert.equal(body['model'], 'model-under-test');
      if (provider === 'anthropic') {
        assert.equal(body['max_tokens'], 77);
        assert.equal(body['system'], 'Be brief.');
        assert.deepEqual(body['messages'], [
          { role: 'user', content: 'one' },
          { role: 'assistant', content: 'two' },
          { role: 'user', content: 'three' },
        ]);
      } else {
        // A custom base URL is an OpenAI-compatible server: `max_tokens`, which they all understand.
        assert.equal(body['max_tokens'], 77);
        assert.deepEqual(body['stream_options'], { include_usage: true });
        assert.deepEqual(body['messages'], [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'one' },
          { role: 'assistant', content: 'two' },
          { role: 'user', content: 'three' },
        ]);
      }
    });

    test('an answer cut by the output cap reports maxTokens', async () => {
      fake.enqueue({ type: 'text', chunks: ['cut'], stopReason: 'maxTokens' });
      const outcome = await server.chat({ messages: [{ role: 'user', content: 'long' }] });
      assert.equal(outcome.result?.stopReason, 'maxTokens');
    });

    test('a refusal is an answer with stopReason refusal and the refusal text', async () => {
      fake.enqueue({ type: 'refusal', text: "I can't help with that." });
      const outcome = await server.chat({ messages: [{ role: 'user', content: 'bad idea' }] });
      assert.equal(outcome.error, undefined, outcome.error?.message);
      assert.equal(outcome.result?.stopReason, 'refusal');
      assert.equal(outcome.result?.text, "I can't help with that.");
      assert.equal(outcome.streamedText, "I can't help with that.");
    });

    test('a long answer streams in more than one partial result', async () => {
      const many = Array.from({ length: 40 }, (_, i) => `w${i} `);
      fake.enqueue({ type: 'text', chunks: many, chunkDelayMs: 2 });
      const outcome = await server.chat({ messages: [{ role: 'user', content: 'count' }] });
      assert.equal(outcome.streamedText, many.join(''));
      assert.ok(outcome.deltas.length > 1, `expected several partial results, got ${outcome.deltas.length}`);
    });
  });
}
