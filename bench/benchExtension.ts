/**
 * Packages a tiny bench-only extension (a manifest and one extension.js) into a .vsix in a temporary folder,
 * removed on teardown, so the bench session can install it next to Tollgate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Teardown } from '../test/e2e/harness/teardown';

export interface BenchExtension {
  /** `name`, `displayName`, activation events, contributions…: the rest of package.json is filled in. */
  manifest: Record<string, unknown> & { name: string; displayName: string };
  /** The whole of extension.js. */
  source: string;
}

export function packageBenchExtension(root: string, teardown: Teardown, { manifest, source }: BenchExtension): string {
  const dir = mkdtempSync(join(tmpdir(), `${manifest.name}-`));
  teardown.defer(manifest.displayName, () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      publisher: 'tollgate-bench',
      version: '0.0.1',
      license: 'MIT',
      engines: { vscode: '^1.91.0' },
      main: './extension.js',
      ...manifest,
    }),
  );
  writeFileSync(join(dir, 'extension.js'), source);
  const vsix = join(dir, `${manifest.name}.vsix`);
  execFileSync(
    join(root, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: dir, stdio: 'ignore' },
  );
  return vsix;
}
