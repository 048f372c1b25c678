/**
 * activationMs: VS Code's own figure from the Running Extensions editor, "Activation: N ms" on Tollgate's
 * row (VS Code adds the code-loading time and the activate() call time, both Date.now() spans in the
 * extension host), with the empty extension's row (see emptyExtension.ts) read in the same window as the
 * baseline. One window start gives one activation of each, so the figure is the median of SAMPLES
 * starts: the session's own start, then "Developer: Reload Window" (a new extension host each time, which
 * activates both extensions again on onStartupFinished). A sample that fails is reported and the others
 * are kept.
 */
import type { Page } from 'playwright-core';
import { openWorkbench, runCommand } from '../test/e2e/harness/workbench';
import { emptyExtensionName } from './emptyExtension';
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

export interface ActivationSample {
  tollgateMs: number;
  emptyMs: number;
}

/**
 * Reads one activation of Tollgate and of the empty extension from the Running Extensions editor, waiting
 * until both have finished activating, then closes the editor so the next window starts without it.
 */
export async function readActivation(page: Page, log: (line: string) => void): Promise<ActivationSample> {
  // The editor's list renders only the rows in view, slowest first: a tall window shows every row.
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: viewport?.width ?? 1400, height: 3000 });
  try {
    await runCommand(page, 'Developer: Show Running Extensions');
    const tollgateMs = await activationMs(page, 'Tollgate', log);
    const emptyMs = await activationMs(page, emptyExtensionName, log);
    await runCommand(page, 'View: Close All Editors');
    return { tollgateMs, emptyMs };
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

/** The figure from the samples taken; `failures` says which window starts gave no reading and why. */
export function activationFigure(samples: readonly ActivationSample[], failures: readonly string[]): Figure {
  const failed = failures.length > 0 ? `; ${failures.length} of ${samples.length + failures.length} starts gave no reading (${failures.join('; ')})` : '';
  if (samples.length === 0) {
    return unavailable('activationMs', 'ms', GOAL, `no window start gave a reading${failed}`);
  }
  return figure(
    'activationMs',
    'ms',
    samples.map((s) => s.tollgateMs),
    {
      goal: GOAL,
      baseline: { label: 'an empty extension', runs: samples.map((s) => s.emptyMs) },
      note:
        "VS Code's Running Extensions editor (code loading + the activate() call), one reading per window start in " +
        "code-server's extension host: the session's start, then a Developer: Reload Window each (a new extension host) — " +
        `the runs are paired with the baseline's, start by start (Tollgate ${samples.map((s) => s.tollgateMs).join(', ')} ms; ` +
        `empty ${samples.map((s) => s.emptyMs).join(', ')} ms). The baseline is an extension whose activate() is empty, ` +
        'activated on the same event (onStartupFinished) in the same extension host. VS Code starts the code-loading ' +
        'timer of every extension activated on that event in one loop, then each awaits before its require(), so ' +
        "each timer also holds the require() of the extensions queued ahead of it (the built-in merge-conflict's alone " +
        'took 0.2–0.35 s in a loaded run): both figures carry that. In the extension-host performance marks, what ' +
        "Tollgate adds over the empty extension is its require() of extension.js (which includes VS Code building the " +
        "extension's own `vscode` API object on its first require('vscode'), which the empty extension never does: " +
        "0.6–20 ms in a probe extension's own first require('vscode'), three starts on a host at load average ~20, where " +
        "Tollgate's require() took 21–44 ms) and an activate() call of ≤ 3 ms. Activation loads " +
        'dist/client/extension.js only (see clientBundleBytes); features.js loads on the turn after activate() returns, ' +
        `outside the timed span${failed}`,
    },
  );
}
