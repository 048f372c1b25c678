// The in-host test suite's entry, in @vscode/test-electron's shape: VS Code loads this module in the
// extension host (code-server here, desktop VS Code with test-electron) and awaits `run()`, which
// resolves when every test passed. The harness bundles each *.test.ts next to this file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  // The negative control: proves that a failing test makes the run fail (and is not silently skipped).
  if (process.env.TOLLGATE_HOST_NEGATIVE_CONTROL === '1') {
    mocha.suite.addTest(
      new Mocha.Test('negative control: fails on purpose (TOLLGATE_HOST_NEGATIVE_CONTROL=1)', () => {
        throw new Error('This test fails on purpose, to prove that failures reach the exit code.');
      }),
    );
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) {
        reject(new Error(`${failures} in-host test(s) failed.`));
      } else {
        resolve();
      }
    });
  });
}
