/**
 * activationMs and activationRunningExtensionsMs from repeated window starts (bench/activation.ts), and
 * Tollgate's own span read from the extension host's performance marks (bench/extensionHostMarks.ts): the
 * figures' arithmetic, no timing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activationFigures, type ActivationSample } from '../../bench/activation';
import { ownActivation, type PerformanceMark } from '../../bench/extensionHostMarks';
import { verdict } from '../../bench/stats';

const sample = (tollgateMs: number, emptyMs: number, shownTollgate: number, shownEmpty: number): ActivationSample => ({
  marks: { tollgateMs, emptyMs },
  runningExtensions: { tollgateMs: shownTollgate, emptyMs: shownEmpty },
});

test('each figure is the median of the starts read, with the empty extension of the same starts as baseline', () => {
  const [own, shown] = activationFigures([sample(9, 1, 36, 29), sample(4, 0, 8, 25), sample(6, 1, 120, 42)], []);
  assert.equal(own?.name, 'activationMs');
  assert.equal(own.median, 6);
  assert.deepEqual(own.runs, [9, 4, 6]);
  assert.deepEqual(own.baseline, { label: 'an empty extension', median: 1, runs: [1, 0, 1] });
  assert.equal(verdict(own), 'met');
  assert.match(own.note ?? '', /Tollgate 9, 4, 6 ms; empty 1, 0, 1 ms/);
  assert.equal(shown?.name, 'activationRunningExtensionsMs');
  assert.equal(shown.median, 36);
  assert.deepEqual(shown.baseline, { label: 'an empty extension', median: 29, runs: [29, 25, 42] });
  assert.equal(verdict(shown), 'missed');
  assert.match(shown.note ?? '', /Tollgate 36, 8, 120 ms; empty 29, 25, 42 ms/);
  assert.doesNotMatch(own.note ?? '', /gave no reading/);
});

test('a start that gave no reading is named in both notes and the others still count', () => {
  const figures = activationFigures([sample(30, 2, 50, 40)], ['reload 2: the row never drew']);
  for (const f of figures) {
    assert.equal(f.runs.length, 1);
    assert.match(f.note ?? '', /1 of 2 starts gave no reading \(reload 2: the row never drew\)/);
  }
  assert.equal(verdict(figures[0]!), 'missed');
});

test('no reading at all makes both figures unavailable, saying why', () => {
  const figures = activationFigures([], ['the first start: timeout', 'reload 1: timeout']);
  assert.deepEqual(figures.map((f) => f.name), ['activationMs', 'activationRunningExtensionsMs']);
  for (const f of figures) {
    assert.equal(f.median, null);
    assert.equal(verdict(f), 'n/a');
    assert.match(f.note ?? '', /^not available: no window start gave a reading; 2 of 2 starts/);
  }
});

const marksOf = (id: string, willLoad: number, didLoad: number, willActivate: number, didActivate: number): PerformanceMark[] => [
  { name: `code/extHost/willLoadExtensionCode/${id}`, startTime: willLoad },
  { name: `code/extHost/didLoadExtensionCode/${id}`, startTime: didLoad },
  { name: `code/extHost/willActivateExtension/${id}`, startTime: willActivate },
  { name: `code/extHost/didActivateExtension/${id}`, startTime: didActivate },
];

test("the own span is the require() plus the activate() call, not the wait between them or other extensions' marks", () => {
  const marks = [
    { name: 'code/timeOrigin', startTime: 1000 },
    ...marksOf('vscode.merge-conflict', 1010, 1300, 1305, 1306),
    ...marksOf('tollgate.tollgate', 1301, 1309, 1350, 1352),
    ...marksOf('tollgate-bench.tollgate-bench-empty', 1310, 1310, 1351, 1351),
  ];
  assert.deepEqual(ownActivation(marks, 'tollgate.tollgate'), { loadMs: 8, activateMs: 2, totalMs: 10 });
  assert.deepEqual(ownActivation(marks, 'tollgate-bench.tollgate-bench-empty'), { loadMs: 0, activateMs: 0, totalMs: 0 });
  // VS Code spells the identifier as the manifest does; the lookup ignores case.
  assert.equal(ownActivation(marks, 'Tollgate.Tollgate').totalMs, 10);
});

test('a missing mark is an error that names it, not a zero', () => {
  const marks = marksOf('tollgate.tollgate', 1, 2, 3, 4).filter((m) => !m.name.includes('didActivateExtension'));
  assert.throws(() => ownActivation(marks, 'tollgate.tollgate'), /no mark code\/extHost\/didActivateExtension\/tollgate\.tollgate/);
});
