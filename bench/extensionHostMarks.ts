/**
 * VS Code's own performance marks in the extension host, and Tollgate's activation span read from them.
 *
 * The extension host marks `code/extHost/willLoadExtensionCode/<id>` right before it require()s an
 * extension's main file and `didLoadExtensionCode/<id>` right after, then `willActivateExtension/<id>`
 * before calling activate() and `didActivateExtension/<id>` once its result has resolved
 * (`_doLoadModule` and `_doActivateExtension` in code-server's out/vs/workbench/api/node/
 * extensionHostProcess.js). The marks live in `globalThis.MonacoPerformanceMarks` of that process, so an
 * extension in the same host can read them: the probe below, activated only by its own command (never at
 * start-up), writes them to a file the bench reads.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Teardown } from '../test/e2e/harness/teardown';
import { runCommand } from '../test/e2e/harness/workbench';
import { packageBenchExtension } from './benchExtension';

export interface PerformanceMark {
  name: string;
  startTime: number;
}

const COMMAND_ID = 'tollgateBench.writeExtensionHostMarks';
const COMMAND_TITLE = 'Tollgate Bench: Write Extension Host Marks';
const WRITE_TIMEOUT_MS = 10_000;

export interface MarksProbe {
  vsix: string;
  /** The marks of the window's current extension host (a reload starts a new host with new marks). */
  read(page: Page): Promise<PerformanceMark[]>;
}

/** Packages the probe extension; its marks file goes into `dir`. */
export function marksProbe(root: string, dir: string, teardown: Teardown): MarksProbe {
  const out = join(dir, 'extension-host-marks.json');
  const vsix = packageBenchExtension(root, teardown, {
    manifest: {
      name: 'tollgate-bench-marks',
      displayName: 'Extension Host Marks (bench probe)',
      activationEvents: [`onCommand:${COMMAND_ID}`],
      contributes: { commands: [{ command: COMMAND_ID, title: COMMAND_TITLE }] },
    },
    source: `const fs = require('fs');
const out = ${JSON.stringify(out)};
exports.activate = function (context) {
  context.subscriptions.push(require('vscode').commands.registerCommand(${JSON.stringify(COMMAND_ID)}, () => {
    const marks = globalThis.MonacoPerformanceMarks ? globalThis.MonacoPerformanceMarks.getMarks() : [];
    fs.writeFileSync(out + '.tmp', JSON.stringify(marks));
    fs.renameSync(out + '.tmp', out);
  }));
};
`,
  });
  return {
    vsix,
    async read(page) {
      rmSync(out, { force: true });
      await runCommand(page, COMMAND_TITLE);
      const deadline = Date.now() + WRITE_TIMEOUT_MS;
      while (!existsSync(out)) {
        if (Date.now() > deadline) {
          throw new Error(`the marks probe wrote no marks within ${WRITE_TIMEOUT_MS / 1000} s of its command`);
        }
        await page.waitForTimeout(100);
      }
      return JSON.parse(readFileSync(out, 'utf8')) as PerformanceMark[];
    },
  };
}

/** An extension's own activation work by VS Code's marks, in its two parts and in total. */
export interface OwnActivation {
  /** The require() of its main file, which builds its `vscode` API object on its first require('vscode'). */
  loadMs: number;
  /** The activate() call until its result settled. */
  activateMs: number;
  totalMs: number;
}

/**
 * Not counted: the time before the require() starts, and between the two parts, when the host waits for
 * the extension's storage and for other extensions' work.
 */
export function ownActivation(marks: readonly PerformanceMark[], extensionId: string): OwnActivation {
  const at = (event: string): number => {
    const name = `code/extHost/${event}/${extensionId}`;
    const mark = marks.find((m) => m.name.toLowerCase() === name.toLowerCase());
    if (mark === undefined) {
      throw new Error(`the extension host has no mark ${name} (did ${extensionId} activate in this window?)`);
    }
    return mark.startTime;
  };
  const loadMs = at('didLoadExtensionCode') - at('willLoadExtensionCode');
  const activateMs = at('didActivateExtension') - at('willActivateExtension');
  return { loadMs, activateMs, totalMs: loadMs + activateMs };
}
