/**
 * What a model costs: the bundled price table, `tollgate.pricing` overrides, and the cost of one call.
 *
 * Prices change often, so the table is data with a source and date per row, and `tollgate.pricing` wins
 * over it. Every price is USD per million tokens. Usage is priced the way it is billed (contract.md
 * "usage"): `inputTokens` at the input price, `cacheReadTokens` / `cacheWriteTokens` at the cache prices,
 * `outputTokens` (reasoning included) at the output price.
 */
import type { ProviderId, Usage } from '../protocol';
import type { ModelPrice } from '../settings';

/** A price with every cache price resolved. */
export interface ResolvedPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheWritePerMTok: number;
  cacheReadPerMTok: number;
}

export interface PriceRow extends ResolvedPrice {
  provider: ProviderId;
  /** The model id as the API takes it; dated snapshots (`-20250929`, `-2026-04-23`) and `-latest` match it too. */
  model: string;
  /** Where the numbers come from, and when they were read. */
  source: string;
  date: string;
  /** Long-context pricing: prompts of more than `aboveInputTokens` input tokens pay these prices instead. */
  longContext?: ResolvedPrice & { aboveInputTokens: number };
}

/** A model's price as Tollgate uses it, and where it came from (for messages and the usage view). */
export interface PriceQuote {
  price: ResolvedPrice;
  longContext?: ResolvedPrice & { aboveInputTokens: number };
  origin: 'settings' | 'bundled';
}

const anthropicSource = 'platform.claude.com/docs/en/about-claude/pricing';
const openaiSource = 'github/docs data/tables/copilot/models-and-pricing.yml';

/** Anthropic's rule for a model whose cache prices are not listed: 5-minute write 1.25×, hit 0.1× input. */
function anthropic(model: string, input: number, output: number, source = anthropicSource, date = '2026-11-28'): PriceRow {
  return anthropicRow(model, input, output, input * 1.25, input * 0.1, source, date);
}

function anthropicRow(
  model: string,
  input: number,
  output: number,
  cacheWrite: number,
  cacheRead: number,
  source = anthropicSource,
  date = '2026-11-28',
): PriceRow {
  return { provider: 'anthropic', model, inputPerMTok: input, outputPerMTok: output, cacheWritePerMTok: cacheWrite, cacheReadPerMTok: cacheRead, source, date };
}

/** OpenAI bills no cache writes before GPT-5.6 (they are plain input); cached input is listed per model. */
function openai(model: string, input: number, cachedInput: number, output: number, source = openaiSource, date = '2026-11-28'): PriceRow {
  return { provider: 'openai', model, inputPerMTok: input, outputPerMTok: output, cacheWritePerMTok: input, cacheReadPerMTok: cachedInput, source, date };
}

/**
 * The bundled table (compiled 2026-11-28 from the sources named per row). Anthropic cache writes are the
 * 5-minute price: Tollgate sets no `cache_control`, and its usage does not tell 5-minute from 1-hour writes.
 */
export const bundledPrices: readonly PriceRow[] = [
  anthropic('claude-opus-5-5', 4, 20, 'platform.claude.com/docs/about-claude/models/whats-new-opus-5 (cache prices by the standard multipliers)'),
  anthropicRow('claude-sonnet-5-5', 2, 10, 2.5, 0.1, 'Sonnet 5.5 model page; cache-hit cut to 0.10 from 2026-10-07 (PromptFuel v1.0.23 release notes)'),
  {
    ...anthropicRow('claude-haiku-5-5', 0.1, 0.5, 0.125, 0.01, 'pricing page, re-checked by kurofune/claudit v1.9.2', '2026-10-24'),
    longContext: { aboveInputTokens: 100_000, inputPerMTok: 0.5, outputPerMTok: 2.5, cacheWritePerMTok: 0.625, cacheReadPerMTok: 0.05 },
  },
  anthropicRow('claude-fable-5-1', 10, 50, 12.5, 0.25),
  anthropicRow('claude-mythos-5-1', 10, 50, 12.5, 0.25),
  anthropicRow('claude-fable-5', 10, 50, 12.5, 1),
  anthropicRow('claude-mythos-5', 10, 50, 12.5, 1),
  ...['claude-opus-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-opus-4-5'].map((m) =>
    anthropicRow(m, 5, 25, 6.25, 0.5),
  ),
  ...['claude-opus-4-1', 'claude-opus-4'].map((m) => anthropicRow(m, 15, 75, 18.75, 1.5)),
  anthropicRow('claude-sonnet-5', 2, 10, 2.5, 0.2, 'platform.claude.com/docs/zh-CN/models/sonnet-5/overview'),
  ...['claude-sonnet-4-6', 'claude-sonnet-4-5', 'claude-sonnet-4', 'claude-3-7-sonnet'].map((m) =>
    anthropicRow(m, 3, 15, 3.75, 0.3),
  ),
  anthropicRow('claude-haiku-4-5', 1, 5, 1.25, 0.1),
  anthropicRow('claude-3-5-haiku', 0.8, 4, 1, 0.08),
  anthropicRow('claude-3-haiku', 0.25, 1.25, 0.3, 0.03),

  {
    ...openai('gpt-5.5', 5, 0.5, 30, `${openaiSource}; morphllm.com/openai-api-pricing (June 2026)`),
    longContext: { aboveInputTokens: 272_000, inputPerMTok: 10, outputPerMTok: 45, cacheWritePerMTok: 10, cacheReadPerMTok: 1 },
  },
  openai('gpt-5.5-pro', 30, 30, 180, 'morphllm.com/openai-api-pricing (no cached-input price listed: priced as input)'),
  {
    ...openai('gpt-5.4', 2.5, 0.25, 15),
    longContext: { aboveInputTokens: 272_000, inputPerMTok: 5, outputPerMTok: 22.5, cacheWritePerMTok: 5, cacheReadPerMTok: 0.5 },
  },
  openai('gpt-5.4-mini', 0.75, 0.075, 4.5),
  openai('gpt-5.4-nano', 0.2, 0.02, 1.25),
  { ...openai('gpt-5.6-sol', 5, 0.5, 30), cacheWritePerMTok: 6.25 },
  { ...openai('gpt-5.6-terra', 2, 0.2, 12), cacheWritePerMTok: 2.5 },
  { ...openai('gpt-5.6-luna', 0.2, 0.02, 1.2), cacheWritePerMTok: 0.25 },
  openai('gpt-5.3-codex', 1.75, 0.175, 14),
  openai('gpt-5-mini', 0.25, 0.025, 2),
  openai('gpt-5', 1.25, 0.125, 10, 'docs.rs openai-cost (2026-Q2 table)'),
  openai('gpt-4.1', 2, 0.5, 8, 'an older revision of the github/docs table'),
  openai('gpt-4o', 2.5, 1.25, 10, 'docs.rs openai-models; swfte.com (May 2026)'),
  openai('gpt-4o-mini', 0.15, 0.075, 0.6, 'docs.rs openai-models; swfte.com (May 2026)'),
];

/** Dated snapshot and alias suffixes that name the same model as the base id. */
const snapshotSuffix = /-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/** The price of `model`, `tollgate.pricing` first (exact id, then without a snapshot suffix), or undefined. */
export function findPrice(provider: ProviderId, model: string, overrides: Record<string, ModelPrice>): PriceQuote | undefined {
  const base = model.replace(snapshotSuffix, '');
  const override = overrides[model] ?? overrides[base];
  if (override) {
    return { price: resolveOverride(provider, override), origin: 'settings' };
  }
  const row = bundledPrices.find((r) => r.provider === provider && (r.model === model || r.model === base));
  if (!row) {
    return undefined;
  }
  const { inputPerMTok, outputPerMTok, cacheWritePerMTok, cacheReadPerMTok } = row;
  return {
    price: { inputPerMTok, outputPerMTok, cacheWritePerMTok, cacheReadPerMTok },
    ...(row.longContext ? { longContext: row.longContext } : {}),
    origin: 'bundled',
  };
}

/**
 * Cache prices a user left out follow the provider's rules: Anthropic writes 1.25× and reads 0.1× the
 * input price; OpenAI bills writes as input and (current models) reads at 0.1×.
 */
function resolveOverride(provider: ProviderId, price: ModelPrice): ResolvedPrice {
  const writeFactor = provider === 'anthropic' ? 1.25 : 1;
  return {
    inputPerMTok: price.inputPerMTok,
    outputPerMTok: price.outputPerMTok,
    cacheWritePerMTok: price.cacheWritePerMTok ?? price.inputPerMTok * writeFactor,
    cacheReadPerMTok: price.cacheReadPerMTok ?? price.inputPerMTok * 0.1,
  };
}

/** The prices that apply to a prompt of `promptTokens` (input, cached or not): long-context tiers by size. */
export function priceFor(quote: PriceQuote, promptTokens: number): ResolvedPrice {
  return quote.longContext && promptTokens > quote.longContext.aboveInputTokens ? quote.longContext : quote.price;
}

/** USD for `usage`, each kind of token at its own price. */
export function costOf(usage: Usage, quote: PriceQuote): number {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const price = priceFor(quote, usage.inputTokens + cacheRead + cacheWrite);
  const micro =
    usage.inputTokens * price.inputPerMTok +
    usage.outputTokens * price.outputPerMTok +
    cacheRead * price.cacheReadPerMTok +
    cacheWrite * price.cacheWritePerMTok;
  return roundUsd(micro / 1_000_000);
}

/** The most a call can cost: every input token at the full input price, plus `maxTokens` of output. */
export function worstCaseCost(estimatedInputTokens: number, maxTokens: number, quote: PriceQuote): number {
  const price = priceFor(quote, estimatedInputTokens);
  // Cache writes can cost more than plain input (Anthropic 1.25×); reserve at the dearer of the two.
  const inputPrice = Math.max(price.inputPerMTok, price.cacheWritePerMTok);
  return roundUsd((estimatedInputTokens * inputPrice + maxTokens * price.outputPerMTok) / 1_000_000);
}

/** Money is kept to a billionth of a dollar, so sums of many small calls do not drift in floating point. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
