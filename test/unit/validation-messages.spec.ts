/**
 * The words a bad setting or a malformed request is refused with, exactly: one case per kind of check.
 * The server validates with zod's `zod/mini` (server/src/validation.ts), which loads no messages by
 * itself; these are the sentences full zod gave, so users and LSP clients read the same as before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChatHandler } from '../../server/src/chat';
import { sanitiseSettings } from '../../server/src/settings';

/** The reason sanitiseSettings gives for one bad value, from its sentence. */
function reason(key: string, value: unknown): string {
  const [problem] = sanitiseSettings({ [key]: value }).problems;
  return /which is not valid \((.*)\); Tollgate uses/.exec(problem ?? '')?.[1] ?? `no reason in: ${problem}`;
}

test('each kind of bad setting is refused with the same words as before', () => {
  const cases: [string, unknown, string][] = [
    ['provider', 'gemini', 'Invalid option: expected one of "anthropic"|"openai"'],
    ['model', 5, 'Invalid input: expected string, received number'],
    ['anthropic.baseUrl', 'ftp://x', 'must be an http:// or https:// URL'],
    ['maxTokens', 'lots', 'Invalid input: expected number, received string'],
    ['maxTokens', 0, 'Too small: expected number to be >=1'],
    ['maxTokens', 1.5, 'Invalid input: expected int, received number'],
    ['maxTokens', 2_000_000, 'Too big: expected number to be <=1000000'],
    ['maxTokens', NaN, 'Invalid input: expected number, received NaN'],
    ['budget.dailyUsd', -1, 'must not be negative'],
    ['rateLimit.requestsPerSecond', 0, 'must be greater than 0'],
    ['pricing', [], 'Invalid input: expected record, received array'],
    ['pricing', { m: { inputPerMTok: 1 } }, 'Invalid input: expected number, received undefined'],
    ['pricing', { m: { inputPerMTok: -1, outputPerMTok: 1 } }, 'must not be negative'],
    ['pricing', { '': { inputPerMTok: 1, outputPerMTok: 1 } }, 'Invalid key in record'],
    ['extraction.schemaGlob', '   ', 'Too small: expected string to have >=1 characters'],
  ];
  for (const [key, value, expected] of cases) {
    assert.equal(reason(key, value), expected, `tollgate.${key} = ${JSON.stringify(value)}`);
  }
});

test('good values are read as before: trimmed strings, unknown price fields dropped', () => {
  const { settings, problems } = sanitiseSettings({
    model: '  claude-x  ',
    extraction: { schemaGlob: ' *.json ' },
    pricing: { m: { inputPerMTok: 1, outputPerMTok: 2, note: 'mine' } },
  });
  assert.deepEqual(problems, []);
  assert.equal(settings.model, 'claude-x');
  assert.equal(settings.extractionSchemaGlob, '*.json');
  assert.deepEqual(settings.pricing, { m: { inputPerMTok: 1, outputPerMTok: 2 } });
});

test('a malformed tollgate/chat request is refused with the same words as before', async () => {
  // Validation comes first: the handler needs none of its dependencies to refuse.
  const chat = createChatHandler({} as never);
  const refusal = async (params: unknown) => {
    const error = await chat(params as never, {} as never).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    return error?.message;
  };
  const user = { role: 'user', content: 'x' };
  assert.equal(await refusal({ messages: [] }), 'The tollgate/chat request is not valid: params.messages must hold at least one message.');
  assert.equal(
    await refusal({ messages: [{ role: 'system', content: 'x' }] }),
    'The tollgate/chat request is not valid: params.messages.0.role Invalid option: expected one of "user"|"assistant".',
  );
  assert.equal(await refusal({ messages: [user], maxTokens: 1.5 }), 'The tollgate/chat request is not valid: params.maxTokens Invalid input: expected int, received number.');
  assert.equal(await refusal({ messages: [user], model: '' }), 'The tollgate/chat request is not valid: params.model Too small: expected string to have >=1 characters.');
  assert.equal(await refusal(null), 'The tollgate/chat request is not valid: params Invalid input: expected object, received null.');
});
