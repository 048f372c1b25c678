/**
 * How many input tokens a call will be billed for, before it is sent, so its worst-case cost can be
 * reserved.
 *
 * - OpenAI: exact text counts with OpenAI's own encodings (gpt-tokenizer's tables and split patterns, counted by
 *   `compactBpe.ts`; special-token text counts as ordinary text, as the API bills it): `o200k_base` for the
 *   GPT-5 / GPT-4.1 / GPT-4o / o-series families (and for any unknown model behind an OpenAI-compatible
 *   base URL), `cl100k_base` for GPT-4 and GPT-3.5; plus the chat format's framing, 3 tokens per message
 *   and 3 to prime the reply (OpenAI cookbook, "How to count tokens with tiktoken").
 * - Anthropic publishes no tokenizer for current Claude models, and they changed it again with Sonnet 5.
 *   We count with `o200k_base` and add 25 %: Claude tokenizers measure about 1.1–1.2× o200k on English,
 *   code and CJK (a 1.15× factor is used in the wild, caozhiyuan/copilot-api#134; our spot check on mixed
 *   text: o200k 22, Anthropic's legacy tokenizer 26 = 1.18×). 1.25× keeps the estimate above the billed
 *   count in practice, plus 8 tokens of framing per message and 16 for the request. When it is low
 *   anyway, the call settles to the provider's reported usage, so only the reservation, never the spend,
 *   is off.
 *
 * Counting runs before every call (the reservation needs it), so it is on the path to the first delta:
 * about 0.3 ms per 1,000 characters, 14 ms for a 40-turn chat of 60,000 characters. A chat sends its whole
 * history again on every turn, so counts of longer texts are kept per encoding and text (by SHA-256, not
 * the text itself, to hold no prompt in memory): a new turn counts only its new messages.
 */
import { createHash } from 'node:crypto';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import type { ProviderId } from '../protocol';
import type { ProviderCall } from '../providers/provider';
import { CompactBpe } from './compactBpe';

const anthropicFactor = 1.25;
const anthropicPerMessage = 8;
const anthropicPerRequest = 16;
const openaiPerMessage = 3;
const openaiPerRequest = 3;

export type EncodingName = 'o200k_base' | 'cl100k_base';
type Counter = (text: string) => number;

type RankTable = (string | number[] | null)[];

/**
 * The rank tables, imported only when an encoding is first needed, and cl100k only serves GPT-4 and
 * GPT-3.5. The server bundle ships them as JSON files next to server.js rather than as JavaScript
 * (esbuild.mjs, `rankTablesAsData`: JSON.parse reads them at a fraction of the memory V8 needs to compile a
 * 200,000-element array literal), behind a loader so that nothing keeps the parsed table once its compact
 * form is built (o200k: ~4 MB instead of ~15 MB for gpt-tokenizer's own tables). Run unbundled (the unit
 * tests), the import is gpt-tokenizer's module, whose export is the table itself.
 */
const rankTables: Record<EncodingName, () => Promise<{ default: RankTable | (() => RankTable) }>> = {
  o200k_base: () => import('gpt-tokenizer/bpeRanks/o200k_base'),
  cl100k_base: () => import('gpt-tokenizer/bpeRanks/cl100k_base'),
};

const splitPatterns: Record<EncodingName, RegExp> = {
  o200k_base: O200K_TOKEN_SPLIT_REGEX,
  cl100k_base: CL100K_TOKEN_SPLIT_REGEX,
};

const encodings = new Map<EncodingName, Promise<Counter>>();

/** Loads an encoding once; later calls share the same promise. */
function encoding(name: EncodingName): Promise<Counter> {
  let loaded = encodings.get(name);
  if (loaded === undefined) {
    loaded = rankTables[name]().then(({ default: table }) => {
      const bpe = new CompactBpe(typeof table === 'function' ? table() : table, splitPatterns[name]);
      return remembered(name, (text: string) => bpe.count(text));
    });
    encodings.set(name, loaded);
  }
  return loaded;
}

/** Shorter texts are counted each time: hashing them would cost about as much as counting. */
const rememberFromChars = 256;
/** Counts kept, the least recently used going first: a few long conversations' worth, about 200 KB. */
const rememberedCounts = 2_000;
const counts = new Map<string, number>();

/** `count`, remembering the counts of longer texts (least recently used dropped past `rememberedCounts`). */
export function remembered(name: EncodingName, count: Counter): Counter {
  return (text) => {
    if (text.length < rememberFromChars) {
      return count(text);
    }
    const key = `${name} ${createHash('sha256').update(text).digest('base64')}`;
    let tokens = counts.get(key);
    if (tokens === undefined) {
      tokens = count(text);
    } else {
      counts.delete(key);
    }
    counts.set(key, tokens);
    if (counts.size > rememberedCounts) {
      counts.delete(counts.keys().next().value as string);
    }
    return tokens;
  };
}

/**
 * Parses `o200k_base` (used for every Anthropic call and current OpenAI models) once the server is up,
 * so the first call does not wait about half a second for it. `cl100k_base` loads on first use.
 */
export function warmUpTokenizer(): void {
  void encoding('o200k_base');
}

/** The encoding OpenAI uses for `model`: cl100k for GPT-4 and GPT-3.5, o200k for everything newer. */
function openaiEncoding(model: string): EncodingName {
  return /^gpt-(4|3\.5)(?!\.|o)/.test(model) ? 'cl100k_base' : 'o200k_base';
}

/** Exact token count of `text` in the encoding OpenAI uses for `model`. */
export async function openaiTokens(model: string, text: string): Promise<number> {
  return (await encoding(openaiEncoding(model)))(text);
}

/** Input tokens the call will be billed for: exact for OpenAI, an upper bound in practice for Anthropic. */
export async function estimateInputTokens(
  provider: ProviderId,
  call: Pick<ProviderCall, 'model' | 'system' | 'messages'>,
): Promise<number> {
  const texts = [...(call.system ? [call.system] : []), ...call.messages.map((m) => m.content)];
  if (provider === 'openai') {
    const count = await encoding(openaiEncoding(call.model));
    return texts.reduce((sum, text) => sum + count(text) + openaiPerMessage, openaiPerRequest);
  }
  const countO200k = await encoding('o200k_base');
  const o200k = texts.reduce((sum, text) => sum + countO200k(text), 0);
  return Math.ceil(o200k * anthropicFactor) + texts.length * anthropicPerMessage + anthropicPerRequest;
}

/**
 * Output tokens for text whose usage the provider never reported (a stopped or broken stream): a token
 * is rarely shorter than 2 characters, so characters / 2, rounded up, errs on the side of billing more.
 */
export function estimateOutputTokens(outputChars: number): number {
  return Math.ceil(outputChars / 2);
}
