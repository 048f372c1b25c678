/**
 * The built server (`node server.js --stdio`, built fresh from source the way esbuild.mjs builds it) reads
 * gpt-tokenizer's rank tables from the JSON files written next to server.js, and still reserves exactly
 * OpenAI's token count: at $1 per input token, a budget half a dollar short of the exact count refuses
 * the call, and the same budget raised by that half dollar admits it.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { countTokens as cl100kTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200kTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { RaiseBudgetRequest } from '../../server/src/protocol';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { connectAsEditor } from './support/lspHarness';
import { buildServerBundle } from './support/serverBundle';

const slow = { timeout: 180_000 };
let outdir: string;
let bundle: string;
let fake: FakeProvider;
const children: ChildProcessWithoutNullStreams[] = [];

before(async () => {
  ({ outdir, bundle } = await buildServerBundle());
  fake = await startFakeProvider();
}, slow);
after(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
  }
  await fake.close();
});

// Text whose counts differ between the two encodings, so the wrong table cannot pass for the right one.
const text = 'Größenwahn, 東京タワー and ☃ snowmen: tokenizers disagree about these.';

/** Sends `text` to `model` with a budget $0.50 short of its exact reservation, then $0.50 higher. */
async function reservesExactly(model: string, exactTokens: number): Promise<void> {
  const maxTokens = 16;
  // $1 per input token, $1 per million output tokens: the reservation is the input count plus $0.000016.
  const exactUsd = exactTokens + maxTokens / 1_000_000;
  const child = spawn(process.execPath, [bundle, '--stdio', '--storage', mkdtempSync(join(tmpdir(), 'tollgate-tokenizer-'))], {
    env: { PATH: process.env['PATH'], OPENAI_API_KEY: 'sk-tokenizer-test' },
  });
  children.push(child);
  child.stderr.resume();
  const editor = await connectAsEditor(child.stdout, child.stdin, {
    settings: {
      provider: 'openai',
      model,
      maxTokens,
      openai: { baseUrl: fake.openaiBaseUrl },
      budget: { dailyUsd: exactUsd - 0.5 },
      pricing: { [model]: { inputPerMTok: 1_000_000, outputPerMTok: 1 } },
    },
  });
  const messages = [{ role: 'user' as const, content: text }];

  const refused = await editor.chat({ messages });
  assert.equal(refused.error?.data?.kind, 'budgetExceeded', `${model}: ${refused.error?.message ?? 'the call was admitted'}`);

  await editor.connection.sendRequest(RaiseBudgetRequest.type, { addUsd: 0.5 });
  fake.enqueue({ type: 'text', chunks: ['ok'], usage: { inputTokens: 0, outputTokens: 0 } });
  const admitted = await editor.chat({ messages });
  assert.equal(admitted.error, undefined, `${model}: ${admitted.error?.message ?? ''}`);
  assert.equal(admitted.result?.text, 'ok');
}

test('the bundle ships the rank tables as JSON files beside server.js', () => {
  assert.ok(existsSync(join(outdir, 'o200k_base.ranks.json')));
  assert.ok(existsSync(join(outdir, 'cl100k_base.ranks.json')));
});

test('a GPT-5 call reserves exactly its o200k_base count plus the chat framing', slow, async () => {
  const count = o200kTokens(text);
  assert.notEqual(count, cl100kTokens(text));
  // One message: 3 tokens of framing for it, 3 to prime the reply.
  await reservesExactly('gpt-5.5', count + 3 + 3);
});

test('a GPT-4 call reserves exactly its cl100k_base count plus the chat framing', slow, async () => {
  await reservesExactly('gpt-4', cl100kTokens(text) + 3 + 3);
});
