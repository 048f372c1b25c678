// The provider-neutral description of one answer, built from a scenario (or the default demo reply)
// and the request. The wire writers (anthropic.ts, openai.ts) turn it into bytes.
import { isRecord } from './json';
import type { ScenarioUsage, WireQuirks } from './scenario';
import { sampleValue } from './structured';

/** How the answer ends, before each provider names it. */
export type AnswerFinish = 'end' | 'maxTokens' | 'refusal' | 'contentFilter';

/** What the fake knows about one model request, whichever API it came in on. */
export interface ModelRequest {
  requestId: string;
  /** The request's `model`, echoed back like the real APIs do. */
  model: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`; without it a stream reports no usage at all. */
  includeUsage: boolean;
  /** The key the client sent (OpenAI quotes it, masked, in its 401 message). */
  apiKey: string;
  /** Deterministic estimate of the request's input tokens. */
  inputTokens: number;
  /** Text of the last user message, quoted by the default answer. */
  lastUserText: string;
  /** The JSON Schema the answer must follow (structured output), or undefined for prose. */
  outputSchema: unknown;
}

/** One answer, ready to be written by a provider's wire writer. */
export interface AnswerPlan {
  /** Text deltas per content block (Anthropic blocks; OpenAI concatenates them into one `content`). */
  blocks: string[][];
  finish: AnswerFinish;
  usage: ScenarioUsage;
  /** Delay before each text delta when streaming. */
  chunkDelayMs: number;
  /** Paces text deltas at this average rate instead (see TextScenario.chunksPerSecond). */
  chunksPerSecond?: number;
  /** Writes events without waiting for each to reach the socket (see TextScenario.burst). */
  burst?: boolean;
  wire: WireQuirks;
}

/** Tollgate's deterministic token estimate: a quarter of the characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** All text of a message `content` (a string or an array of parts/blocks with `text`), joined. */
function contentText(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (Array.isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('\n');
  }
  return '';
}

/** The text of the system prompt and of every message, for the input-token estimate. */
export function requestText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const parts = [contentText(body.system), ...messages.map((m) => (isRecord(m) ? contentText(m.content) : ''))];
  return parts.filter((part) => part !== '').join('\n');
}

/** The text of the last `role: "user"` message, or '' when there is none. */
export function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = messages.filter((m) => isRecord(m) && m.role === 'user').at(-1);
  return isRecord(last) ? contentText(last.content) : '';
}

/** The usage a scenario reports, or the estimate when it gives none (output is never 0, like the real APIs). */
export function resolveUsage(usage: ScenarioUsage | undefined, request: ModelRequest, blocks: string[][]): ScenarioUsage {
  return usage ?? { inputTokens: request.inputTokens, outputTokens: Math.max(1, estimateTokens(blocks.flat().join(''))) };
}

/** Splits text into word-sized deltas that keep their trailing whitespace, so they join back exactly. */
export function words(text: string): string[] {
  return text.split(/(?<=\s)(?=\S)/).filter((word) => word !== '');
}

/** How long the default answer waits between words, so streaming is visible in a demo. */
const DEFAULT_WORD_DELAY_MS = 30;
/** Longer user messages are cut in the quote: the demo answer should stay short. */
const QUOTE_LIMIT = 400;

/**
 * The answer to a request that found the queue empty: a short markdown reply quoting the user, or, when the
 * request asks for structured output, a minimal JSON instance of its schema.
 */
export function defaultAnswer(request: ModelRequest): AnswerPlan {
  const text =
    request.outputSchema === undefined ? demoText(request) : JSON.stringify(sampleValue(request.outputSchema), null, 2);
  const chunks = words(text);
  return {
    blocks: [chunks],
    finish: 'end',
    usage: resolveUsage(undefined, request, [chunks]),
    chunkDelayMs: DEFAULT_WORD_DELAY_MS,
    wire: {},
  };
}

function demoText(request: ModelRequest): string {
  const said = request.lastUserText.trim();
  const quoted = said.length > QUOTE_LIMIT ? `${said.slice(0, QUOTE_LIMIT)}…` : said;
  const quote = quoted === '' ? '> (no user message)' : quoted.split('\n').map((line) => `> ${line}`).join('\n');
  return (
    `**Offline demo.** Tollgate's fake provider received:\n\n${quote}\n\n` +
    'No real model was called; configure a provider to get real answers.'
  );
}
