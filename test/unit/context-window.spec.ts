/** Context windows, the pre-flight estimate, and trimming the oldest turns (never the system prompt or the newest). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { contextWindow, estimateInputTokens, estimateTextTokens, unknownModelWindow } from '../../server/src/contextWindow';
import type { ChatMessage } from '../../server/src/protocol';
import type { ProviderCall } from '../../server/src/providers/provider';
import { defaultModels } from '../../server/src/settings';
import { trimHarder, trimToContext } from '../../server/src/trimToContext';
import type { FakeProvider } from '../fake-provider';
import { type ServerUnderTest, startAgainstFake } from './support/lspHarness';

test('the default models have known windows; an unknown model gets the conservative default', () => {
  assert.equal(contextWindow(defaultModels.anthropic), 1_000_000);
  assert.equal(contextWindow(defaultModels.openai), 1_050_000);
  assert.equal(contextWindow('claude-opus-4-5'), 200_000);
  assert.equal(contextWindow('claude-haiku-5-5'), 200_000);
  assert.equal(contextWindow('gpt-4o-mini'), 128_000);
  assert.equal(contextWindow('llama3.1:8b'), unknownModelWindow);
  assert.equal(unknownModelWindow, 32_768);
});

test('the estimate errs high: 1 token per 3.5 ASCII characters, 1 per other character', () => {
  assert.equal(estimateTextTokens('a'.repeat(35)), 10);
  assert.equal(estimateTextTokens('東京は日本の首都です'), 10);
  // Real tokenizers give ~22–26 for this sentence (provider-wire.md §5.3); the estimate must not be below.
  assert.ok(estimateTextTokens('Hello, world! The quick brown fox jumps over the lazy dog. 東京は日本の首都です。') >= 26);
});

const turn = (role: ChatMessage['role'], chars: number, tag: string): ChatMessage => ({ role, content: tag.padEnd(chars, '.') });
/** u a u a u a u: 7 messages of 3,500 ASCII characters (~1,000 tokens each with overhead). */
const conversation: ChatMessage[] = Array.from({ length: 7 }, (_, i) => turn(i % 2 === 0 ? 'user' : 'assistant', 3500, `m${i}`));
const call = (messages: ChatMessage[], maxTokens = 1000): ProviderCall => ({ model: 'x', system: 'rules', messages, maxTokens });

test('a conversation that fits is sent whole', () => {
  const { request, dropped } = trimToContext(call(conversation), 100_000);
  assert.equal(dropped, 0);
  assert.equal(request.messages.length, 7);
});

test('the oldest turns go first, the kept conversation opens with a user turn, the newest and the system prompt stay', () => {
  // ~7,060 tokens of input against 5,000 − 1,000 for the output: four must go, and the fifth to open with a user.
  const { request, dropped } = trimToContext(call(conversation), 5000);
  assert.deepEqual(
    request.messages.map((m) => m.content.slice(0, 2)),
    ['m4', 'm5', 'm6'],
  );
  assert.equal(dropped, 4);
  assert.equal(request.system, 'rules');
  assert.ok(estimateInputTokens(request) <= 4000);
});

test('the newest message is sent even when it alone is too long (the provider then says so)', () => {
  const { request, dropped } = trimToContext(call(conversation), 10);
  assert.equal(dropped, 6);
  assert.deepEqual(request.messages, [conversation[6]]);
});

test('trimming harder scales from the provider count and limit, else halves; nothing left → undefined', () => {
  const sent = call(conversation, 0);
  const scaled = trimHarder(sent, { kind: 'contextWindowExceeded', promptTokens: 2000, limitTokens: 1000 });
  assert.ok(scaled && estimateInputTokens(scaled.request) <= estimateInputTokens(sent) * 0.45, 'at most 90 % of half');
  const halved = trimHarder(sent, { kind: 'contextWindowExceeded' });
  assert.ok(halved && estimateInputTokens(halved.request) <= estimateInputTokens(sent) / 2);
  assert.equal(trimHarder(call([conversation[6]!]), { kind: 'contextWindowExceeded' }), undefined);
});

describe('tollgate/chat pre-flight trim against the fake', () => {
  let fake: FakeProvider;
  let server: ServerUnderTest;
  let close: () => Promise<void>;
  before(async () => {
    // An unknown local model: the 32,768-token default window applies. Priced at 0, as a local model is.
    ({ fake, server, close } = await startAgainstFake('openai', 'sk-local-key-1234', {
      model: 'llama-local',
      pricing: { 'llama-local': { inputPerMTok: 0, outputPerMTok: 0 } },
    }));
  });
  after(() => close());

  test('a conversation over the window loses its oldest turns before the call, and the result says how many', async () => {
    const long = Array.from({ length: 9 }, (_, i) => turn(i % 2 === 0 ? 'user' : 'assistant', 35_000, `t${i}`));
    fake.enqueue({ type: 'text', chunks: ['fine'] });
    const { result, error } = await server.chat({ messages: long });
    assert.equal(error, undefined);
    const sent = (fake.requests[0]?.body as { messages: ChatMessage[] }).messages;
    assert.equal(fake.requests.length, 1, 'trimmed before the call, not after a refusal');
    assert.equal(result?.trimmedMessages, long.length - sent.length);
    assert.ok(sent.length < long.length && sent.length > 0);
    assert.equal(sent.at(-1)?.content, long.at(-1)?.content);
    assert.ok(server.logLines.some((line) => /left out the \d+ oldest messages/.test(line)));
  });

  test('a conversation that fits reports no trimming', async () => {
    fake.enqueue({ type: 'text', chunks: ['fine'] });
    const { result } = await server.chat({ messages: [{ role: 'user', content: 'short' }] });
    assert.equal(result?.trimmedMessages, undefined);
  });
});
