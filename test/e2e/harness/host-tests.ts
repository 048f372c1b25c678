// Runs the mocha suite of test/e2e/host/ inside code-server's extension host, as @vscode/test-electron
// runs it inside desktop VS Code: the extension is loaded from the clone as a development extension and
// the suite's `run()` from a bundle, both named in the page URL's payload (code-server's command line
// rejects --extensionDevelopmentPath / --extensionTestsPath). The workbench reports the mocha exit code
// through `codeAutomationExit`, which exists only with --enable-smoke-test-driver; without it the
// extension silently does not load, hence the timeout with a message that says so.
import { spawnSync } from 'node:child_process';
import { createWriteStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import * as esbuild from 'esbuild';
import { launchBrowser } from './browser';
import { startCodeServer } from './code-server';
import { startFakeProvider } from './fake-provider';
import { artifactPath, repoRoot } from './paths';
import type { Teardown } from './teardown';
import { withTimeout } from './timeout';

export interface HostTestResult {
  /** mocha's exit code as the workbench reported it: 0 when every test passed. */
  exitCode: number;
  /** What the suite printed (mocha's spec reporter), also written to test-results/<name>-host.log. */
  log: string;
}

export interface HostTestOptions {
  name: string;
  /** Adds one test that fails on purpose (TOLLGATE_HOST_NEGATIVE_CONTROL=1 in the extension host). */
  negativeControl?: boolean;
  /** Start code-server without --enable-smoke-test-driver (to prove the run then fails, not hangs). */
  withoutSmokeDriver?: boolean;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Bundles test/e2e/host/{index,*.test}.ts into test-results/host-suite/ and returns index.js's path. */
export async function bundleHostSuite(): Promise<string> {
  const root = repoRoot();
  const hostDir = join(root, 'test', 'e2e', 'host');
  const entries = readdirSync(hostDir).filter((file) => file === 'index.ts' || file.endsWith('.test.ts'));
  // Under test-results/ (inside the clone) so that `require('mocha')` finds the clone's node_modules.
  const outdir = artifactPath('host-suite');
  await esbuild.build({
    entryPoints: entries.map((file) => join(hostDir, file)),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'error',
  });
  return join(outdir, 'index.js');
}

/** The extension folder loaded as a development extension: the clone, built (TOLLGATE_E2E_EXTENSION_DIR overrides). */
function developmentExtension(): string {
  const given = process.env.TOLLGATE_E2E_EXTENSION_DIR;
  if (given) {
    return given;
  }
  const root = repoRoot();
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (build.status !== 0) {
    throw new Error(`\`npm run build\` failed (exit ${build.status ?? build.signal}):\n${build.stdout}${build.stderr}`);
  }
  return root;
}

export async function runHostTests(teardown: Teardown, options: HostTestOptions): Promise<HostTestResult> {
  const { name } = options;
  const extensionDir = developmentExtension();
  const suite = await bundleHostSuite();
  const fake = await startFakeProvider(teardown, name);
  const server = await startCodeServer(teardown, {
    name,
    smokeTestDriver: !options.withoutSmokeDriver,
    settings: { 'tollgate.anthropic.baseUrl': fake.anthropicBaseUrl, 'tollgate.openai.baseUrl': fake.openaiBaseUrl },
    env: {
      TOLLGATE_E2E_FAKE_URL: fake.url,
      ...(options.negativeControl ? { TOLLGATE_HOST_NEGATIVE_CONTROL: '1' } : {}),
    },
  });
  const { page } = await launchBrowser(teardown, name);

  const logFile = createWriteStream(artifactPath(`${name}-host.log`));
  teardown.defer('close the host test log', () => new Promise<void>((resolve) => logFile.end(resolve)));
  let log = '';
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    // The workbench forwards console calls with their printf-style arguments (mocha's reporter uses them).
    const line = `${format(...(Array.isArray(args) ? args : [args]))}\n`;
    log += line;
    // Teardown closes the log before the browser, and the workbench may still log in between.
    if (!logFile.writableEnded) {
      logFile.write(type === 'error' ? `[error] ${line}` : line);
    }
  });
  const exited = new Promise<number>((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => resolve(Number(code)));
  });

  const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${path}`;
  await page.goto(
    server.workbenchUrl([
      ['extensionDevelopmentPath', remote(extensionDir)],
      ['extensionTestsPath', remote(suite)],
    ]),
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const exitCode = await withTimeout(
    exited,
    timeoutMs,
    `the in-host tests did not report an exit code (codeAutomationExit). Was code-server started with ` +
      `--vscode-option=--enable-smoke-test-driver? See test-results/${name}-code-server.log and ${name}-host.log. ` +
      `Output so far:\n${log}`,
  );
  return { exitCode, log };
}
