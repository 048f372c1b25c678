/**
 * activationMs: how long Tollgate's own activation takes, from VS Code's performance marks in the extension
 * host (extensionHostMarks.ts: loading extension.js + the activate() call), with the empty extension's
 * span (emptyExtension.ts) in the same window as the baseline. activationRunningExtensionsMs: the figure
 * VS Code's Running Extensions editor shows, "Activation: N ms" on Tollgate's row, with the empty
 * extension's row as its baseline. One window start gives one activation of each, so each figure is the
 * median of SAMPLES starts: the session's own start, then "Developer: Reload Window" (a new extension
 * host each time, which activates both extensions again on onStartupFinished). A start that fails is
 * reported and the others are kept.
 *
 * Why two figures. The Running Extensions figure is code-loading time + activate() call time, both
 * Date.now() spans (ExtensionActivationTimesBuilder). Its code-loading timer starts before an `await`
 * (`_doLoadModule`: codeLoadingStart(), then `await initializeLocalizedMessages`, then the
 * willLoadExtensionCode mark and require()), and the host starts every onStartupFinished extension in one
 * loop, so that timer also holds the require() of every extension queued ahead: the empty extension reads
 * 44–217 ms on this machine. The marks span only Tollgate's require() and its activate(), which is what
 * "Tollgate's activation time" means; both figures are reported so neither hides the other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../test/e2e/harness/paths';
import { openWorkbench, runCommand } from '../test/e2e/harness/workbench';
import { emptyExtensionId, emptyExtensionName } from './emptyExtension';
import { type MarksProbe, type OwnActivation, ownActivation } from './extensionHostMarks';
import { figure, type Figure, unavailable } from './stats';

/** Window starts measured: the session's first start plus SAMPLES − 1 reloads. */
export const SAMPLES = 5;
/**
 * User settings the bench session needs: VS Code 1.10x opens the Running Extensions editor as a modal of
 * fixed height by default, which draws only its first rows (slowest first) and takes the keyboard (F1);
 * as an ordinary editor in the tall window every row is drawn.
 */
export const activationSettings = { 'workbench.editor.useModal': 'off' };
const GOAL = { max: 20 };
const ROW_TIMEOUT_MS = 30_000;
/** How long one reading waits for a row before opening the editor again (seen once: rows never drawn). */
const REOPEN_AFTER_MS = 10_000;

/** One extension's activation and the empty extension's, read in the same window start. */
export interface Pair {
  tollgateMs: number;
  emptyMs: number;
}

export interface ActivationSample {
  /** Own span by VS Code's performance marks (activationMs). */
  marks: Pair;
  /** What the Running Extensions editor shows (activationRunningExtensionsMs). */
  runningExtensions: Pair;
}

const manifest = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { publisher: string; name: string };
const tollgateId = `${manifest.publisher}.${manifest.name}`;

/**
 * Reads one activation of Tollgate and of the empty extension from the Running Extensions editor, waiting
 * until both have finished activating, then their own spans from the extension host's marks (the probe),
 * and closes the editor so the next window starts without it.
 */
export async function readActivation(page: Page, probe: MarksProbe, log: (line: string) => void): Promise<ActivationSample> {
  // The editor's list renders only the rows in view, slowest first: a tall window shows every row.
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: viewport?.width ?? 1400, height: 3000 });
  try {
    await runCommand(page, 'Developer: Show Running Extensions');
    const tollgateMs = await activationMs(page, 'Tollgate', log);
    const emptyMs = await activationMs(page, emptyExtensionName, log);
    // Both have activated (their rows show a time), so the host has all four marks of each.
    const marks = await probe.read(page);
    const tollgate = ownActivation(marks, tollgateId);
    const empty = ownActivation(marks, emptyExtensionId);
    const parts = ({ loadMs, activateMs }: OwnActivation) => `${loadMs} ms require() + ${activateMs} ms activate()`;
    log(`vscode: by the extension host's marks, Tollgate ${parts(tollgate)}, the empty extension ${parts(empty)}`);
    await runCommand(page, 'View: Close All Editors');
    return { marks: { tollgateMs: tollgate.totalMs, emptyMs: empty.totalMs }, runningExtensions: { tollgateMs, emptyMs } };
  } finally {
    if (viewport) {
      await page.setViewportSize(viewport);
    }
  }
}

/** The "Activation: N ms" of one row, once the extension has activated ("Activating..." until then). */
async function activationMs(page: Page, name: string, log: (line: string) => void): Promise<number> {
  const time = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: name }).first().locator('.activation-time');
  const deadline = Date.now() + ROW_TIMEOUT_MS;
  let reopened = false;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await time.innerText({ timeout: REOPEN_AFTER_MS }).catch(() => undefined)) ?? '').trim();
    const ms = /([\d.]+)\s*ms/.exec(last)?.[1];
    if (ms !== undefined) {
      log(`vscode: Running Extensions says "${last}" for ${name}`);
      return Number(ms);
    }
    if (last === '' && !reopened) {
      // Seen once: the editor opened after the window grew but never drew its rows; opening it again
      // draws them.
      log(`vscode: no row for ${name} in the Running Extensions editor yet; opening it again`);
      await runCommand(page, 'Developer: Show Running Extensions');
      reopened = true;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`the Running Extensions editor shows "${last || 'no row'}" for ${name}, not a time, after ${ROW_TIMEOUT_MS / 1000} s`);
}

/**
 * Reloads the window and waits for its workbench (readActivation has closed its editor, so the window
 * starts with none, as the session's first start did). Before that, the Explorer takes the side bar: the
 * workbench restores the side bar's view on reload, and a restored Tollgate chat view would activate
 * Tollgate on onView instead of onStartupFinished, so not on the same event as the baseline.
 */
export async function reloadWindow(page: Page): Promise<void> {
  await runCommand(page, 'View: Show Explorer');
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: ROW_TIMEOUT_MS });
  await runCommand(page, 'Developer: Reload Window');
  await navigated;
  await openWorkbench(page, page.url());
}

/**
 * The two figures from the samples taken; `failures` says which window starts gave no reading and why.
 * Both carry the goal: activationMs is the one it defines, and the Running Extensions figure shows
 * how far VS Code's own reading is from it, for the empty extension too.
 */
export function activationFigures(samples: readonly ActivationSample[], failures: readonly string[]): Figure[] {
  const failed = failures.length > 0 ? `; ${failures.length} of ${samples.length + failures.length} starts gave no reading (${failures.join('; ')})` : '';
  if (samples.length === 0) {
    const why = `no window start gave a reading${failed}`;
    return [unavailable('activationMs', 'ms', GOAL, why), unavailable('activationRunningExtensionsMs', 'ms', GOAL, why)];
  }
  const paired = (pick: (s: ActivationSample) => Pair) =>
    `Tollgate ${samples.map((s) => pick(s).tollgateMs).join(', ')} ms; empty ${samples.map((s) => pick(s).emptyMs).join(', ')} ms`;
  const perStart = (pick: (s: ActivationSample) => Pair, name: string, note: string) =>
    figure(
      name,
      'ms',
      samples.map((s) => pick(s).tollgateMs),
      { goal: GOAL, baseline: { label: 'an empty extension', runs: samples.map((s) => pick(s).emptyMs) }, note: note + failed },
    );
  return [
    perStart(
      (s) => s.marks,
      'activationMs',
      "Tollgate's own activation by VS Code's performance marks in code-server's extension host: the require() of " +
        "dist/client/extension.js (willLoadExtensionCode → didLoadExtensionCode; it includes VS Code building Tollgate's " +
        "`vscode` API object on its first require('vscode'), which the empty extension never does) plus the activate() call " +
        'until its result resolved (willActivateExtension → didActivateExtension). One reading per window start (the ' +
        'session\'s start, then a Developer: Reload Window each, a new extension host), paired with the empty extension ' +
        `(activate() {}, same event, same host) start by start (${paired((s) => s.marks)}). Date.now() marks, 1 ms ` +
        'resolution, as VS Code\'s own figure. The activate() half runs until its result settles, so other extensions\' ' +
        'queued work can fall inside it for both (a helper saw ~150 ms for both in one start); the median of the starts ' +
        'absorbs such a start. features.js loads on the turn after activate() returns, outside the span ' +
        '(see clientLazyBundleBytes). VS Code\'s Running Extensions reading is the next row',
    ),
    perStart(
      (s) => s.runningExtensions,
      'activationRunningExtensionsMs',
      "VS Code's Running Extensions editor (\"Activation: N ms\" = code-loading time + activate() call time), same starts " +
        `(${paired((s) => s.runningExtensions)}). Its code-loading timer starts before an await ahead of the require(), and ` +
        'the host starts every onStartupFinished extension in one loop, so each timer also holds the require() of the ' +
        'extensions queued ahead of it (built-in ones included): the empty extension misses the goal by this reading too. ' +
        "What separates the two rows is VS Code's queueing, not Tollgate's work (activationMs)",
    ),
  ];
}
