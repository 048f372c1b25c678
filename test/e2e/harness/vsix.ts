// The extension as users get it: `npm run package` (production build + `vsce package`) writes
// dist/tollgate.vsix, which code-server installs with --install-extension. Testing the .vsix rather than
// the clone's folder also catches packaging mistakes (a file left out by .vscodeignore, a missing bundle).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

const PACKAGE_TIMEOUT_MS = 180_000;
let built: string | undefined;

/** Builds dist/tollgate.vsix once per test process (TOLLGATE_E2E_VSIX=<file> uses a given one instead). */
export function packageExtension(): string {
  const given = process.env.TOLLGATE_E2E_VSIX;
  if (given) {
    return given;
  }
  if (built) {
    return built;
  }
  const root = repoRoot();
  const result = spawnSync('npm', ['run', 'package'], { cwd: root, encoding: 'utf8', timeout: PACKAGE_TIMEOUT_MS });
  const vsix = join(root, 'dist', 'tollgate.vsix');
  if (result.status !== 0 || !existsSync(vsix)) {
    throw new Error(`\`npm run package\` failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  built = vsix;
  return vsix;
}
