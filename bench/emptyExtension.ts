/**
 * The activationMs baseline: an extension that does nothing (`activate() {}`), activated on the same
 * event as Tollgate (onStartupFinished) in the same code-server session. VS Code's activation figure
 * counts code loading, and its code-loading timer spans an `await` during which the extension host runs
 * other extensions' work; so at start-up even this empty extension shows tens to hundreds of ms on a busy
 * machine, and its figure is what Tollgate's should be read against.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Teardown } from '../test/e2e/harness/teardown';

export const emptyExtensionName = 'Empty Extension (bench baseline)';

/** Packages the empty extension into a temporary folder (removed on teardown) and returns its .vsix. */
export function emptyExtensionVsix(root: string, teardown: Teardown): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-empty-'));
  teardown.defer('the empty extension', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'tollgate-bench-empty',
      displayName: emptyExtensionName,
      publisher: 'tollgate-bench',
      version: '0.0.1',
      license: 'MIT',
      engines: { vscode: '^1.91.0' },
      main: './extension.js',
      activationEvents: ['onStartupFinished'],
    }),
  );
  writeFileSync(join(dir, 'extension.js'), 'exports.activate = function () {};\n');
  const vsix = join(dir, 'empty.vsix');
  execFileSync(
    join(root, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: dir, stdio: 'ignore' },
  );
  return vsix;
}
