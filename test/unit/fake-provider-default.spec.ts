// The fake provider's answer when no scenario is queued: a demo reply, or JSON for structured-output requests.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type FakeProvider, startFakeProvider } from '../fake-provider';

/** A broken fake must fail a test, not hang the run. */
const TIMEOUT_MS = 5000;

let fake: FakeProvider;

before(async () => {
  fake = await startFakeProvider();
});
after(() => fake.close());

/** The shape of Tollgate's built-in entity schema (contract.md). */
const entitiesSchema = {
  type: 'object',
  properties: {
    entities: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          type: { type: 'string' },
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          source_text: { type: 'string' },
        },
        required: ['name', 'type', 'confidence', 'source_text'],
        additionalProperties: false,
      },
    },
    summary: { type: 'string' },
    language: { type: 'string' },
  },
  required: ['entities', 'summary', 'language'],
  additionalProperties: false,
};
const expected = { entities: [], summary: 'Offline demo', language: 'Offline demo' };

test('Anthropic output_config.format json_schema gets a JSON instance of the schema', { timeout: TIMEOUT_MS }, async () => {
  const client = new Anthropic({ apiKey: 'k', baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
  const message = await client.messages.create({
    model: 'claude-test',
    max_tokens: 500,
    messages: [{ role: 'user', content: 'Ada Lovelace met Charles Babbage in London.' }],
    output_config: { format: { type: 'json_schema', schema: entitiesSchema } },
  });
  const block = message.content[0];
  assert.equal(block?.type, 'text');
  assert.deepEqual(JSON.parse(block.type === 'text' ? block.text : ''), expected);
});

test('OpenAI response_format json_schema / json_object get JSON; a schema with minItems gets items', { timeout: TIMEOUT_MS }, async () => {
  const client = new OpenAI({ apiKey: 'k', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'Extract.' }];
  const strict = await client.chat.completions.create({
    model: 'gpt-test',
    messages,
    response_format: { type: 'json_schema', json_schema: { name: 'entities', strict: true, schema: entitiesSchema } },
  });
  assert.deepEqual(JSON.parse(strict.choices[0]?.message.content ?? ''), expected);

  const itemsSchema = {
    type: 'object',
    properties: { tags: { type: 'array', minItems: 2, items: { enum: ['a', 'b'] } }, n: { type: 'integer', exclusiveMinimum: 3 } },
    required: ['tags', 'n'],
  };
  const withItems = await client.chat.completions.create({
    model: 'gpt-test',
    messages,
    response_format: { type: 'json_schema', json_schema: { name: 'tags', schema: itemsSchema } },
  });
  assert.deepEqual(JSON.parse(withItems.choices[0]?.message.content ?? ''), { tags: ['a', 'a'], n: 4 });

  const anyObject = await client.chat.completions.create({ model: 'gpt-test', messages, response_format: { type: 'json_object' } });
  assert.equal(anyObject.choices[0]?.message.content, '{}');
});

test('a prose request gets the demo reply, and an empty conversation says so', { timeout: TIMEOUT_MS }, async () => {
  const client = new OpenAI({ apiKey: 'k', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
  const answer = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'system', content: 'Be brief.' }] });
  assert.equal(
    answer.choices[0]?.message.content,
    "**Offline demo.** Tollgate's fake provider received:\n\n> (no user message)\n\nNo real model was called; configure a provider to get real answers.",
  );
  assert.equal(answer.usage?.prompt_tokens, Math.ceil('Be brief.'.length / 4));
});
