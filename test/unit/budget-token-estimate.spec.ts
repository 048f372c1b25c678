/**
 * Token counts before each call: a chat resends its whole history every turn, so counts of longer texts
 * are remembered and a new turn counts only its new messages — with exactly the counts of a fresh count.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTokens as o200kTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { estimateInputTokens, remembered } from '../../server/src/budget/tokenEstimate';
import type { ChatMessage } from '../../server/src/protocol';

const long = (tag: string) => `${tag}: ${'Tollgate reserves the worst case before every call. '.repeat(20)}`;

test('a longer text is counted once; a short one each time; the least recently used count goes first', () => {
  const counted: string[] = [];
  const count = remembered('o200k_base', (text) => {
    counted.push(text);
    return text.length;
  });
  const first = long('first');
  assert.equal(count(first), first.length);
  assert.equal(count(first), first.length);
  assert.equal(count('short'), 5);
  assert.equal(count('short'), 5);
  assert.deepEqual(counted, [first, 'short', 'short']);

  // The same text in another encoding is another count.
  const other = remembered('cl100k_base', () => 1);
  assert.equal(other(first), 1);

  // 2,000 other texts later, `first` (used again just now) stays and `second` (not used since) is gone.
  const second = long('second');
  count(second);
  for (let i = 0; i < 1_999; i++) {
    count(long(`filler ${i}`));
    if (i === 1_000) {
      count(first);
    }
  }
  counted.length = 0;
  count(first);
  count(second);
  assert.deepEqual(counted, [second]);
});

test("a conversation's next turn is estimated exactly as a fresh count would", async () => {
  const history: ChatMessage[] = Array.from({ length: 6 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: long(`turn ${i}`) }));
  const fresh = (messages: ChatMessage[]) => {
    const o200k = messages.reduce((sum, m) => sum + o200kTokens(m.content), 0);
    return Math.ceil(o200k * 1.25) + messages.length * 8 + 16;
  };
  assert.equal(await estimateInputTokens('anthropic', { model: 'claude-test', messages: history }), fresh(history));
  const next: ChatMessage[] = [...history, { role: 'user', content: long('a new question') }];
  assert.equal(await estimateInputTokens('anthropic', { model: 'claude-test', messages: next }), fresh(next));
  assert.equal(await estimateInputTokens('anthropic', { model: 'claude-test', messages: next }), fresh(next));
});
