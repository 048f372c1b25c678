/**
 * An OpenAI-compatible server (Ollama, LM Studio, LiteLLM, OpenRouter) through `tollgate.openai.baseUrl`:
 * free-form model names reach it verbatim, on `/v1/chat/completions`, and its answer streams exactly.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { type ServerUnderTest, startServerUnderTest } from './support/lspHarness';

let fake: FakeProvider;
let server: ServerUnderTest;

before(async () => {
  fake = await startFakeProvider();
  server = await startServerUnderTest({
    apiKeys: { openai: 'sk-local-placeholder' },
    settings: {
      provider: 'openai',
      model: 'llama3.1:8b',
      openai: { baseUrl: fake.openaiBaseUrl },
      // Local and routed models have no bundled price; their users set one (0 for a local model).
      pricing: {
        'llama3.1:8b': { inputPerMTok: 0, outputPerMTok: 0 },
        'meta-llama/llama-3.1-8b-instruct:free': { inputPerMTok: 0, outputPerMTok: 0 },
      },
    },
  });
});
after(async () => {
  server.close();
  await fake.close();
});

test('the model from tollgate.model, an Ollama tag, is sent as written and the answer streams', async () => {
  fake.enqueue({ type: 'text', chunks: ['Llama ', 'says ', 'hi ☕'], usage: { inputTokens: 9, outputTokens: 4 } });
  const outcome = await server.chat({ messages: [{ role: 'user', content: 'Hello' }] });
  assert.equal(outcome.error, undefined, outcome.error?.message);
  assert.equal(outcome.streamedText, 'Llama says hi ☕');
  assert.equal(outcome.result?.text, 'Llama says hi ☕');
  assert.deepEqual(outcome.result?.usage, { inputTokens: 9, outputTokens: 4 });
  const request = fake.requests.at(-1);
  assert.equal(request?.path, '/v1/chat/completions');
  const body = request?.body as Record<string, unknown>;
  assert.equal(body['model'], 'llama3.1:8b');
  assert.equal(body['max_tokens'], 1024, 'max_tokens, which compatible servers understand');
  assert.equal(body['max_completion_tokens'], undefined);
});

test('a per-request model with slashes and colons (OpenRouter style) is sent as written', async () => {
  const model = 'meta-llama/llama-3.1-8b-instruct:free';
  fake.enqueue({ type: 'text', chunks: ['ok'] });
  const outcome = await server.chat({ messages: [{ role: 'user', content: 'Hello' }], model });
  assert.equal(outcome.result?.text, 'ok', outcome.error?.message);
  assert.equal((fake.requests.at(-1)?.body as Record<string, unknown>)['model'], model);
});

test("a rejected key is reported against the compatible server, not OpenAI", async () => {
  // Not retryable, so the retry policy cannot change what this test sees.
  fake.enqueue({ type: 'httpError', error: 'authentication' });
  const outcome = await server.chat({ messages: [{ role: 'user', content: 'Hello' }] });
  assert.equal(outcome.error?.data?.kind, 'authentication');
  assert.match(outcome.error?.message ?? '', new RegExp(`OpenAI-compatible server at ${fake.openaiBaseUrl.replace(/[.]/g, '\\.')}`));
});
