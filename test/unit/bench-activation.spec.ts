/** activationMs from repeated window starts (bench/activation.ts): the figure's arithmetic, no timing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activationFigure } from '../../bench/activation';
import { verdict } from '../../bench/stats';

test('activationMs is the median of the starts read, with the empty extension of the same starts as baseline', () => {
  const f = activationFigure(
    [
      { tollgateMs: 36, emptyMs: 29 },
      { tollgateMs: 8, emptyMs: 25 },
      { tollgateMs: 12, emptyMs: 42 },
    ],
    [],
  );
  assert.equal(f.median, 12);
  assert.deepEqual(f.runs, [36, 8, 12]);
  assert.deepEqual(f.baseline, { label: 'an empty extension', median: 29, runs: [29, 25, 42] });
  assert.equal(verdict(f), 'met');
  assert.match(f.note ?? '', /Tollgate 36, 8, 12 ms; empty 29, 25, 42 ms/);
  assert.doesNotMatch(f.note ?? '', /gave no reading/);
});

test('a start that gave no reading is named in the note and the others still count', () => {
  const f = activationFigure([{ tollgateMs: 30, emptyMs: 20 }], ['reload 2: the row never drew']);
  assert.equal(f.median, 30);
  assert.equal(verdict(f), 'missed');
  assert.match(f.note ?? '', /1 of 2 starts gave no reading \(reload 2: the row never drew\)/);
});

test('no reading at all makes the figure unavailable, saying why', () => {
  const f = activationFigure([], ['the first start: timeout', 'reload 1: timeout']);
  assert.equal(f.median, null);
  assert.equal(verdict(f), 'n/a');
  assert.match(f.note ?? '', /^not available: no window start gave a reading; 2 of 2 starts/);
});
