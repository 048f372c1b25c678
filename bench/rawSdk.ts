/**
 * The baseline: Anthropic's SDK alone, the way any script would stream an answer, against the same fake
 * provider. Whatever Tollgate adds (server, LSP, client) is measured against this.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { FakeProvider } from '../test/fake-provider';
import { benchKey, benchModel } from './serverProcess';

export interface TimedRawStream {
  firstDeltaMs: number;
  totalMs: number;
  streamedChars: number;
}

/**
 * With the SDK options the server uses (server/src/providers/anthropic.ts). The SDK's default builds an
 * OpenTelemetry span per call (~0.27 ms here); the server turns that off, and a baseline with it on would
 * credit that saving to the server, LSP and client instead of measuring what they add.
 */
export function rawClient(fake: Pick<FakeProvider, 'anthropicBaseUrl'>): Anthropic {
  return new Anthropic({ apiKey: benchKey, baseURL: fake.anthropicBaseUrl, maxRetries: 0, openTelemetry: false });
}

/** Streams one answer and times its first text delta and its end, as Tollgate's provider loop sees them. */
export async function rawStream(client: Anthropic, prompt: string, maxTokens = 1024): Promise<TimedRawStream> {
  const started = performance.now();
  let firstDeltaAt: number | undefined;
  let streamedChars = 0;
  const stream = await client.messages.create({
    model: benchModel,
    max_tokens: maxTokens,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
  });
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      firstDeltaAt ??= performance.now();
      streamedChars += event.delta.text.length;
    }
  }
  const ended = performance.now();
  return { firstDeltaMs: (firstDeltaAt ?? ended) - started, totalMs: ended - started, streamedChars };
}
