// The fake's benchmark options through the real SDKs: `burst` (write as fast as the socket takes it) and
// `chunksPerSecond` (pace at a model's rate) change only timing, never the bytes a client reads.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enqueueRequestSchema, type FakeProvider, startFakeProvider } from '../fake-provider';

let fake: FakeProvider;
before(async () => {
  fake = await startFakeProvider();
});
after(() => fake.close());

const many = Array.from({ length: 5_000 }, (_, i) => `t${i} `);

test('a burst of thousands of chunks reaches the Anthropic SDK complete and in order', async () => {
  fake.enqueue({ type: 'text', chunks: many, burst: true, wire: { pings: true, comments: true, crlf: true } });
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
  const stream = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true });
  const deltas: string[] = [];
  let stopped = false;
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      deltas.push(event.delta.text);
    }
    stopped ||= event.type === 'message_stop';
  }
  assert.deepEqual(deltas, many);
  assert.ok(stopped, 'the burst ended without message_stop');
});

test('a burst reaches the OpenAI SDK complete, with its final usage chunk', async () => {
  fake.enqueue({ type: 'text', chunks: many, burst: true });
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let usage = false;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    usage ||= chunk.usage != null;
  }
  assert.equal(text, many.join(''));
  assert.ok(usage, 'no usage chunk at the end of the burst');
});

test('a paced answer streams the same text, and the control endpoint accepts both options', async () => {
  const chunks = ['paced ', 'at ', 'a ', 'rate'];
  fake.enqueue({ type: 'text', chunks, chunksPerSecond: 1_000 });
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
  const stream = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true });
  const deltas: string[] = [];
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      deltas.push(event.delta.text);
    }
  }
  assert.deepEqual(deltas, chunks);
  const body = { scenarios: [{ type: 'text', chunks, chunksPerSecond: 1_000, burst: true }] };
  assert.ok(enqueueRequestSchema.safeParse(body).success);
  assert.ok(!enqueueRequestSchema.safeParse({ scenarios: [{ type: 'text', chunks, chunksPerSecond: 0 }] }).success);
});
