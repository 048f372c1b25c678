/** The readable report beside an extraction result: names the schema, tables entity lists, escapes model output. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasEntityList, resultReport } from '../../client/src/extract/resultReport';
import type { ExtractResult } from '../../server/src/protocol';

const base: Omit<ExtractResult, 'data'> = {
  attempts: 2,
  mode: 'prompted',
  usage: { inputTokens: 10, outputTokens: 5 },
  costUsd: 0.0012,
  schema: 'Entities (built-in)',
};

test('an entity list becomes a table under a header naming the schema', () => {
  const data = {
    entities: [
      { name: 'Ada', type: 'person', confidence: 0.9, source_text: 'Ada' },
      { name: 'London', type: 'place', confidence: 0.8, source_text: 'in London' },
    ],
    summary: 'A note.',
    language: 'en',
  };
  const report = resultReport({ ...base, data });
  assert.ok(hasEntityList(data));
  assert.match(report, /^# Extraction: Entities \(built-in\)$/m);
  assert.match(report, /Validated against \*\*Entities \(built-in\)\*\* · prompted structured output · 2 attempts/);
  assert.match(report, /^\| name \| type \| confidence \| source\\_text \|$/m);
  assert.match(report, /^\| London \| place \| 0\.8 \| in London \|$/m);
  assert.match(report, /^- \*\*summary\*\*: A note\.$/m);
});

test('model output cannot break the table or inject markup', () => {
  const data = { entities: [{ name: 'a|b\n<img src=x onerror=alert(1)>' }] };
  const report = resultReport({ ...base, data });
  assert.ok(report.includes('| a\\|b \\<img src=x onerror=alert(1)\\> |'), report);
});

test('data without a list of objects has no table', () => {
  assert.equal(hasEntityList({ name: 'Ada', tags: ['x'] }), false);
  assert.doesNotMatch(resultReport({ ...base, data: { name: 'Ada' } }), /\| ---/);
});
