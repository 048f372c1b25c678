/**
 * How many input tokens a call will be billed for, before it is sent, so its worst-case cost can be
 * reserved.
 *
 * - OpenAI: exact text counts with OpenAI's own encodings (gpt-tokenizer, pure JS): `o200k_base` for the
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
 */
import type { ProviderId } from '../protocol';
import type { ProviderCall } from '../providers/provider';

/** Special-token text inside a prompt is ordinary text to the API; count it as such instead of throwing. */
const asPlainText = { disallowedSpecial: new Set<string>() };

const anthropicFactor = 1.25;
const anthropicPerMessage = 8;
const anthropicPerRequest = 16;
const openaiPerMessage = 3;
const openaiPerRequest = 3;

type Counter = (text: string, options: typeof asPlainText) => number;
let encodings: Promise<{ o200k: Counter; cl100k: Counter }> | undefined;

/**
 * Loads the encodings once. Their rank tables take about half a second to parse, so they load on first
 * use (or from `warmUpTokenizer()` once the server is up), not while the server starts.
 */
function loadEncodings(): Promise<{ o200k: Counter; cl100k: Counter }> {
  encodings ??= Promise.all([import('gpt-tokenizer/encoding/o200k_base'), import('gpt-tokenizer/encoding/cl100k_base')]).then(
    ([o200k, cl100k]) => ({ o200k: o200k.countTokens, cl100k: cl100k.countTokens }),
  );
  return encodings;
}

export function warmUpTokenizer(): void {
  void loadEncodings();
}

/** Exact token count of `text` in the encoding OpenAI uses for `model`. */
export async function openaiTokens(model: string, text: string): Promise<number> {
  const { o200k, cl100k } = await loadEncodings();
  const legacy = /^gpt-(4|3\.5)(?!\.|o)/.test(model);
  return legacy ? cl100k(text, asPlainText) : o200k(text, asPlainText);
}

/** Input tokens the call will be billed for: exact for OpenAI, an upper bound in practice for Anthropic. */
export async function estimateInputTokens(
  provider: ProviderId,
  call: Pick<ProviderCall, 'model' | 'system' | 'messages'>,
): Promise<number> {
  const texts = [...(call.system ? [call.system] : []), ...call.messages.map((m) => m.content)];
  if (provider === 'openai') {
    let sum = openaiPerRequest;
    for (const text of texts) {
      sum += (await openaiTokens(call.model, text)) + openaiPerMessage;
    }
    return sum;
  }
  const { o200k: countO200k } = await loadEncodings();
  const o200k = texts.reduce((sum, text) => sum + countO200k(text, asPlainText), 0);
  return Math.ceil(o200k * anthropicFactor) + texts.length * anthropicPerMessage + anthropicPerRequest;
}

/**
 * Output tokens for text whose usage the provider never reported (a stopped or broken stream): a token
 * is rarely shorter than 2 characters, so characters / 2, rounded up, errs on the side of billing more.
 */
export function estimateOutputTokens(outputChars: number): number {
  return Math.ceil(outputChars / 2);
}
