/** Prices, cost math (cache tokens included), token estimates, the settlement of failed attempts, bad settings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { settlement } from '../../server/src/budget/budgetGuard';
import { formatUsd } from '../../server/src/budget/money';
import { bundledPrices, costOf, findPrice, worstCaseCost } from '../../server/src/budget/prices';
import { estimateInputTokens, estimateOutputTokens, openaiTokens } from '../../server/src/budget/tokenEstimate';
import { defaultModels, sanitiseSettings } from '../../server/src/settings';

test('the default models of both providers have a bundled price, and every row names its source and date', () => {
  assert.ok(findPrice('anthropic', defaultModels.anthropic, {}), defaultModels.anthropic);
  assert.ok(findPrice('openai', defaultModels.openai, {}), defaultModels.openai);
  for (const row of bundledPrices) {
    assert.ok(row.source.length > 5, `${row.model} has no source`);
    assert.match(row.date, /^\d{4}-\d{2}-\d{2}$/, `${row.model} has no date`);
    for (const price of [row.inputPerMTok, row.outputPerMTok, row.cacheReadPerMTok, row.cacheWritePerMTok]) {
      assert.ok(Number.isFinite(price) && price >= 0, `${row.model} has a bad price`);
    }
  }
});

test('every kind of token is priced at its own rate', () => {
  // claude-sonnet-5-5: input 2, output 10, cache write 2.50, cache read 0.10 per MTok.
  const quote = findPrice('anthropic', 'claude-sonnet-5-5', {})!;
  const usd = costOf({ inputTokens: 1_000_000, outputTokens: 100_000, cacheWriteTokens: 200_000, cacheReadTokens: 3_000_000 }, quote);
  assert.equal(usd, 2 + 1 + 0.5 + 0.3);
  // gpt-5.5: input 5, cached input 0.50, output 30; cache writes are plain input.
  const gpt = findPrice('openai', 'gpt-5.5', {})!;
  assert.equal(costOf({ inputTokens: 1000, outputTokens: 500, cacheReadTokens: 2000 }, gpt), 0.005 + 0.015 + 0.001);
});

test('long prompts pay the long-context price', () => {
  const gpt = findPrice('openai', 'gpt-5.5', {})!;
  assert.equal(costOf({ inputTokens: 272_000, outputTokens: 0 }, gpt), 1.36);
  assert.equal(costOf({ inputTokens: 300_000, outputTokens: 0 }, gpt), 3);
});

test('dated snapshots and -latest match the base model; unknown models have no price', () => {
  assert.deepEqual(findPrice('anthropic', 'claude-sonnet-4-5-20250929', {}), findPrice('anthropic', 'claude-sonnet-4-5', {}));
  assert.deepEqual(findPrice('openai', 'gpt-5.5-2026-04-23', {}), findPrice('openai', 'gpt-5.5', {}));
  assert.equal(findPrice('openai', 'llama3.1', {}), undefined);
  // A model of one provider is not priced for the other.
  assert.equal(findPrice('openai', 'claude-sonnet-5-5', {}), undefined);
});

test('tollgate.pricing wins over the table; missing cache prices follow the provider rules; 0 is a price', () => {
  const override = findPrice('anthropic', 'claude-sonnet-5-5', { 'claude-sonnet-5-5': { inputPerMTok: 8, outputPerMTok: 16 } });
  assert.equal(override?.origin, 'settings');
  assert.deepEqual(override?.price, { inputPerMTok: 8, outputPerMTok: 16, cacheWritePerMTok: 10, cacheReadPerMTok: 0.8 });
  const local = findPrice('openai', 'llama3.1', { 'llama3.1': { inputPerMTok: 0, outputPerMTok: 0 } });
  assert.ok(local);
  assert.equal(costOf({ inputTokens: 5000, outputTokens: 5000 }, local), 0);
  const openaiOverride = findPrice('openai', 'my-model', { 'my-model': { inputPerMTok: 10, outputPerMTok: 20, cacheReadPerMTok: 3 } });
  assert.deepEqual(openaiOverride?.price, { inputPerMTok: 10, outputPerMTok: 20, cacheWritePerMTok: 10, cacheReadPerMTok: 3 });
});

test('the worst case is every input token at the dearer input price plus maxTokens of output', () => {
  const quote = findPrice('anthropic', 'claude-sonnet-5-5', {})!;
  // 1000 input at max(2, 2.5) + 1024 output at 10.
  assert.equal(worstCaseCost(1000, 1024, quote), 0.01274);
  // It is never below what the same call can settle to.
  const usage = { inputTokens: 400, cacheWriteTokens: 600, outputTokens: 1024 };
  assert.ok(costOf(usage, quote) <= worstCaseCost(1000, 1024, quote));
});

test('OpenAI input is counted exactly with its encoding, plus the chat framing', async () => {
  const text = 'Hello, world! The quick brown fox jumps over the lazy dog. 東京は日本の首都です。';
  assert.equal(await openaiTokens('gpt-5.5', text), countTokens(text));
  assert.equal(await openaiTokens('gpt-5.5', text), 22);
  const call = { model: 'gpt-5.5', system: 'Be brief.', messages: [{ role: 'user' as const, content: text }] };
  assert.equal(await estimateInputTokens('openai', call), 3 + (countTokens('Be brief.') + 3) + (22 + 3));
  // Special-token text is plain text to the API, not an error.
  assert.ok((await openaiTokens('gpt-5.5', 'a <|endoftext|> b')) > 3);
  assert.equal(await openaiTokens('gpt-4', 'hello world'), 2);
});

test('the Anthropic estimate stays above the fake provider count and the legacy tokenizer count', async () => {
  const text = 'Hello, world! The quick brown fox jumps over the lazy dog. 東京は日本の首都です。';
  const estimate = await estimateInputTokens('anthropic', { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: text }] });
  // @anthropic-ai/tokenizer counts 26 for this text (provider-wire.md §5.3); the fake counts ceil(chars / 4).
  assert.ok(estimate >= 26 + 8, `estimate ${estimate}`);
  assert.ok(estimate >= Math.ceil(text.length / 4));
});

test('a failed attempt settles to an honest estimate, not zero; one that never left settles to zero', () => {
  const quote = findPrice('anthropic', 'claude-sonnet-5-5', {})!;
  const cut = settlement({ outputChars: 400, reachedProvider: true }, quote, 1000, 1024);
  assert.deepEqual(cut, { usd: (1000 * 2 + estimateOutputTokens(400) * 10) / 1e6, estimated: true, outcome: 'failed' });
  const silent = settlement({ outputChars: 0, reachedProvider: true }, quote, 1000, 1024);
  assert.equal(silent.usd, 0.002);
  assert.deepEqual(settlement({ outputChars: 0, reachedProvider: false }, quote, 1000, 1024), {
    usd: 0,
    estimated: false,
    outcome: 'notSent',
  });
  const reported = settlement({ outputChars: 9, usage: { inputTokens: 10, outputTokens: 3 }, reachedProvider: true }, quote, 1000, 1024);
  assert.equal(reported.usd, (10 * 2 + 3 * 10) / 1e6);
  assert.equal(reported.estimated, false);
  // Output estimates never pass the output cap.
  assert.equal(settlement({ outputChars: 1e6, reachedProvider: true }, quote, 0, 100).usd, (100 * 10) / 1e6);
});

test('a negative or non-numeric budget or price is rejected with a message naming the setting', () => {
  const { settings, problems } = sanitiseSettings({
    budget: { dailyUsd: -5 },
    pricing: { 'llama3.1': { inputPerMTok: 'free', outputPerMTok: 0 } },
  });
  assert.equal(settings.budgetDailyUsd, 10);
  assert.deepEqual(settings.pricing, {});
  assert.equal(problems.length, 2);
  assert.match(problems[0] ?? '', /tollgate\.budget\.dailyUsd has the value -5.*must not be negative.*uses 10/);
  assert.match(problems[1] ?? '', /tollgate\.pricing has the value .*llama3\.1.*not valid/);
  assert.match(sanitiseSettings({ budget: { dailyUsd: 'ten' } }).problems[0] ?? '', /tollgate\.budget\.dailyUsd has the value "ten"/);
  assert.match(
    sanitiseSettings({ pricing: { m: { inputPerMTok: -1, outputPerMTok: 1 } } }).problems[0] ?? '',
    /must not be negative/,
  );
});

test('amounts read naturally: cents, or four decimals for sub-cent costs', () => {
  assert.equal(formatUsd(1.234), '$1.23');
  assert.equal(formatUsd(10), '$10.00');
  assert.equal(formatUsd(0.00123), '$0.0012');
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(0.0104, { precise: true }), '$0.0104');
  assert.equal(formatUsd(0.5, { precise: true }), '$0.5000');
  assert.equal(formatUsd(1.5, { precise: true }), '$1.50');
});
