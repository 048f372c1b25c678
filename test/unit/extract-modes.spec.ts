/**
 * tollgate/extract against the fake provider on both SDKs: native structured output in one attempt, the
 * prompted repair loop (the second request carries the first answer's ajv errors), giving up after
 * `retry.maxAttempts`, and the distinct refusal / content-filter / truncation outcomes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FakeProvider } from '../fake-provider';
import { extract } from './support/extractCall';
import { type ServerUnderTest, startAgainstFake } from './support/lspHarness';

const key = 'sk-test-extract-123456';
const text = 'Ada Lovelace worked with Charles Babbage in London.';
const entities = {
  entities: [
    { name: 'Ada Lovelace', type: 'person', confidence: 0.98, source_text: 'Ada Lovelace' },
    { name: 'London', type: 'place', confidence: 0.9, source_text: 'London' },
  ],
  summary: 'Ada Lovelace worked with Charles Babbage.',
  language: 'en',
};
/** `oneOf` has no faithful strict form for OpenAI and is not in Anthropic's subset: this goes the prompted way. */
const promptedSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] } },
  required: ['name', 'age'],
  additionalProperties: false,
};

/** The JSON text split into a few chunks, as a model would stream it. */
function chunked(value: unknown): string[] {
  const json = JSON.stringify(value);
  const third = Math.ceil(json.length / 3);
  return [json.slice(0, third), json.slice(third, 2 * third), json.slice(2 * third)];
}

function messagesOf(body: unknown): { role: string; content: unknown }[] {
  // OpenAI carries the system prompt as a message; Anthropic in `system`.
  return (body as { messages: { role: string; content: unknown }[] }).messages.filter((m) => m.role !== 'system');
}

for (const provider of ['anthropic', 'openai'] as const) {
  describe(`tollgate/extract on ${provider}`, () => {
    let fake: FakeProvider;
    let server: ServerUnderTest;
    let close: () => Promise<void>;

    before(async () => {
      ({ fake, server, close } = await startAgainstFake(provider, key, { retry: { maxAttempts: 3 } }));
    });
    after(() => close());
    beforeEach(() => fake.reset());

    test('native structured output validates in one attempt', async () => {
      fake.enqueue({ type: 'text', chunks: chunked(entities) });
      const { result, error } = await extract(server.connection, { text });
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(result?.data, entities);
      assert.equal(result?.mode, 'native');
      assert.equal(result?.attempts, 1);
      assert.equal(result?.schema, 'Entities (built-in)');
      assert.equal(fake.requests.length, 1);
      const body = fake.requests[0]!.body as Record<string, unknown>;
      if (provider === 'openai') {
        const format = body.response_format as { type: string; json_schema: { strict: boolean; schema: Record<string, unknown> } };
        assert.equal(format.type, 'json_schema');
        assert.equal(format.json_schema.strict, true);
        assert.deepEqual(format.json_schema.schema.required, ['entities', 'summary', 'language']);
        assert.equal(format.json_schema.schema.additionalProperties, false);
      } else {
        const format = (body.output_config as { format: { type: string; schema: Record<string, unknown> } }).format;
        assert.equal(format.type, 'json_schema');
        assert.equal(format.schema.additionalProperties, false);
      }
    });

    test('prompted mode repairs an invalid answer, sending back the exact validation errors', async () => {
      fake.enqueue(
        { type: 'text', chunks: ['Here you go:\n```json\n{"name": "Ada", "age": -3}\n```'] },
        { type: 'text', chunks: ['{"name": "Ada", "age": 36}'] },
      );
      const { result, error } = await extract(server.connection, { text, schema: promptedSchema });
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(result?.data, { name: 'Ada', age: 36 });
      assert.equal(result?.mode, 'prompted');
      assert.equal(result?.attempts, 2);
      assert.equal(fake.requests.length, 2);
      const first = fake.requests[0]!.body as Record<string, unknown>;
      assert.equal(first.response_format, undefined);
      assert.equal(first.output_config, undefined);
      assert.match(String(messagesOf(first).at(-1)!.content), /"oneOf"/, 'the prompt states the schema');
      const second = messagesOf(fake.requests[1]!.body);
      assert.equal(second.length, 3);
      assert.equal(second[1]!.role, 'assistant');
      const feedback = JSON.stringify(second[2]!.content);
      assert.match(feedback, /\/age must be >= 0/);
      assert.match(feedback, /\/age must match exactly one schema in oneOf/);
    });

    test('gives up after retry.maxAttempts answers, naming the validation errors', async () => {
      const wrong = { type: 'text' as const, chunks: ['{"name": 7, "age": null}'] };
      fake.enqueue(wrong, wrong, wrong);
      const { result, error } = await extract(server.connection, { text, schema: promptedSchema });
      assert.equal(result, undefined);
      assert.equal(error?.data?.kind, 'schemaInvalid');
      assert.equal(error?.data?.extractFailure, 'invalidOutput');
      assert.match(error?.message ?? '', /After 3 answers/);
      assert.match(error?.message ?? '', /\/name must be string/);
      assert.deepEqual(error?.data?.validationErrors, ['/name must be string']);
      assert.equal(fake.requests.length, 3);
    });

    test('a refusal is its own outcome, not a repair attempt', async () => {
      fake.enqueue({ type: 'refusal', text: "I can't help with that request." });
      const { error } = await extract(server.connection, { text });
      assert.equal(error?.data?.kind, 'contentFiltered');
      assert.equal(error?.data?.extractFailure, 'refusal');
      assert.match(error?.message ?? '', /declined.*I can't help with that request/);
      assert.equal(fake.requests.length, 1);
    });

    test('truncation mid-JSON (max tokens) is its own outcome', async () => {
      fake.enqueue({ type: 'text', chunks: ['{"entities": [{"name": "Ada'], stopReason: 'maxTokens' });
      const { error } = await extract(server.connection, { text });
      assert.equal(error?.data?.kind, 'schemaInvalid');
      assert.equal(error?.data?.extractFailure, 'truncated');
      assert.match(error?.message ?? '', /output limit \(tollgate\.maxTokens = 1024\)/);
      assert.equal(fake.requests.length, 1);
    });

    test('the content filter is its own outcome', async () => {
      fake.enqueue({ type: 'contentFilter', chunks: ['{"entities": ['] });
      const { error } = await extract(server.connection, { text });
      assert.equal(error?.data?.kind, 'contentFiltered');
      // Anthropic has no filter finish reason: its filter answers as a refusal (provider-wire.md §1.7).
      assert.equal(error?.data?.extractFailure, provider === 'openai' ? 'contentFilter' : 'refusal');
      assert.equal(fake.requests.length, 1);
    });

    test('empty text is refused before any call', async () => {
      const { error } = await extract(server.connection, { text: '  \n ' });
      assert.equal(error?.data?.kind, 'invalidRequest');
      assert.equal(error?.data?.extractFailure, 'emptyText');
      assert.equal(fake.requests.length, 0);
    });
  });
}
