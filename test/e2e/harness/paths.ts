// Where things are: the clone, the artifacts folder a person opens after a run, and per-run temp dirs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Teardown } from './teardown';

/** The clone's root folder (this file is test/e2e/harness/paths.ts). */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/** A path under test-results/ (gitignored; CI can keep it), creating the folder. */
export function artifactPath(file: string): string {
  const dir = join(repoRoot(), 'test-results');
  mkdirSync(dir, { recursive: true });
  return join(dir, file);
}

/**
 * A fresh temp folder for one run (user data, extensions, XDG homes, browser profile), removed at teardown
 * unless TOLLGATE_E2E_KEEP=1, which keeps it for a post-mortem.
 */
export function runDir(teardown: Teardown, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tollgate-e2e-${name}-`));
  teardown.defer(`remove ${dir}`, () => {
    if (process.env.TOLLGATE_E2E_KEEP === '1') {
      console.error(`e2e: kept ${dir} (TOLLGATE_E2E_KEEP=1)`);
      return;
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  return dir;
}
