/** The arithmetic and the table behind `npm run bench` (bench/stats.ts): pure helpers, no timing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figure, markdownTable, median, percentile, unavailable, verdict } from '../../bench/stats';

test('median takes the middle value, or the mean of the two middle ones', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('percentile uses the nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([1, 2, 3, 4, 50], 99), 50);
});

test('a figure is met or missed by its median against an upper or lower goal', () => {
  assert.equal(verdict(figure('ttftOverheadMs', 'ms', [1, 9, 1.5], { goal: { max: 2 } })), 'met');
  assert.equal(verdict(figure('ttftOverheadMs', 'ms', [3, 2.5, 1], { goal: { max: 2 } })), 'missed');
  assert.equal(verdict(figure('ttftOverheadMs', 'ms', [2], { goal: { max: 2 } })), 'met');
  assert.equal(verdict(figure('chunksPerSec', 'chunks/s', [19_999], { goal: { min: 20_000 } })), 'missed');
  assert.equal(verdict(figure('chunksPerSec', 'chunks/s', [20_000], { goal: { min: 20_000 } })), 'met');
  assert.equal(verdict(figure('serverBundleBytes', 'B', [10])), 'n/a');
  assert.equal(verdict(unavailable('ledgerP99Ms', 'ms', { max: 20 }, 'ledger not built')), 'n/a');
});

test('the table shows baseline, median with its run count, goal, verdict and why a figure is missing', () => {
  const table = markdownTable([
    figure('ttftOverheadMs', 'ms', [1.25, 0.5, 3], {
      baseline: { label: 'raw SDK', runs: [6, 5, 7] },
      goal: { max: 2 },
      note: 'a | b',
    }),
    unavailable('ledgerOpsPerSec', 'pairs/s', { min: 1_000 }, 'ledger not built'),
  ]);
  const lines = table.split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[2], '| `ttftOverheadMs` | 6 ms (raw SDK) | 1.25 ms (3 runs) | ≤ 2 ms | met | a \\| b |');
  assert.equal(lines[3], '| `ledgerOpsPerSec` | — | — | ≥ 1,000 pairs/s | n/a | not available: ledger not built |');
});

test('a single measurement says "1 run"', () => {
  assert.match(markdownTable([figure('clientBundleBytes', 'B', [712_502])]), /\| 712,502 B \(1 run\) \|/);
});
