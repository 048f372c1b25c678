/**
 * How much a model can read, and a cheap upper-bound guess of how much a request asks it to read.
 * `trimToContext.ts` uses both to leave the oldest turns out before a call rather than after a 400.
 *
 * The estimate is deliberately pessimistic and tokenizer-free: the budget (`server/src/budget/`) brings
 * an exact tokenizer for cost; here being a little early to trim costs far less than an overflow.
 */
import type { ProviderCall } from './providers/provider';

/**
 * Context windows in tokens, matched by model-name prefix, most specific first. Sources: the providers'
 * model pages as of 2026-11 (Claude 5.x: 1M; Claude 4.x and older: 200K without the long-context beta,
 * which Tollgate does not send; GPT-5.4/5.5/5.6: 1,050,000; GPT-5, 5-mini, 5-nano: 400K; GPT-4.1: ~1M;
 * GPT-4o: 128K).
 */
const knownWindows: readonly (readonly [prefix: string, tokens: number])[] = [
  ['claude-haiku-5', 200_000],
  ['claude-sonnet-5', 1_000_000],
  ['claude-opus-5', 1_000_000],
  ['claude-fable-5', 1_000_000],
  ['claude-mythos-5', 1_000_000],
  ['claude-', 200_000],
  ['gpt-5.4', 1_050_000],
  ['gpt-5.5', 1_050_000],
  ['gpt-5.6', 1_050_000],
  ['gpt-5', 400_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['gpt-', 128_000],
];

/**
 * A model Tollgate does not know — most often a local model behind an OpenAI-compatible server — gets
 * 32,768 tokens: small enough for the common local context sizes, and when it is still too much the
 * provider's overflow answer makes Tollgate trim harder and try once more.
 */
export const unknownModelWindow = 32_768;

export function contextWindow(model: string): number {
  const name = model.toLowerCase();
  return knownWindows.find(([prefix]) => name.startsWith(prefix))?.[1] ?? unknownModelWindow;
}

/** Tokens a message costs beyond its text (role markers, separators), rounded up. */
const perMessageOverhead = 8;

/**
 * An upper-bound guess of a text's tokens: 1 per 3.5 ASCII characters (English and code average about 4)
 * and 1 per other character (CJK and emoji often take one or more each).
 */
export function estimateTextTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 128) {
      ascii += 1;
    } else {
      other += 1;
    }
  }
  return Math.ceil(ascii / 3.5) + other;
}

export function estimateMessageTokens(message: { content: string }): number {
  return estimateTextTokens(message.content) + perMessageOverhead;
}

/** The estimated input of a whole request: system prompt and every message. */
export function estimateInputTokens(call: Pick<ProviderCall, 'system' | 'messages'>): number {
  const system = call.system ? estimateTextTokens(call.system) + perMessageOverhead : 0;
  return call.messages.reduce((sum, message) => sum + estimateMessageTokens(message), system);
}
