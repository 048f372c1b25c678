// Runs one test tier with Node's own test runner (TypeScript through tsx):
//   node test/run.mjs unit   every test/**/*.spec.ts  (no VS Code; the fake provider on 127.0.0.1)
//   node test/run.mjs e2e    every test/e2e/**/*.e2e.ts (a real VS Code: code-server driven by Chromium)
// Extra arguments are passed to `node --test` (e.g. --test-name-pattern=cancel).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [tier, ...extra] = process.argv.slice(2);
const suffix = { unit: '.spec.ts', e2e: '.e2e.ts' }[tier];
if (!suffix) {
  console.error('Usage: node test/run.mjs unit|e2e [node --test options]');
  process.exit(2);
}

/** Every file under `dir` whose name ends with `suffix`, skipping the e2e tree for unit runs. */
function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' ? [] : find(path);
    }
    return entry.name.endsWith(suffix) ? [relative(root, path)] : [];
  });
}

const files = find(join(root, 'test')).sort();
if (files.length === 0) {
  console.error(`No ${tier} tests (*${suffix}) found under test/.`);
  process.exit(1);
}
// A test that hangs (a lost LSP frame, a stream that never ends) must fail with its name, not stall the run.
// The unit limit is generous: the four-process budget tests take ~10 s alone and ~50 s on a loaded 2-core machine.
const limits = tier === 'e2e' ? ['--test-concurrency=1', '--test-timeout=600000'] : ['--test-timeout=120000'];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...limits, ...extra, ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
