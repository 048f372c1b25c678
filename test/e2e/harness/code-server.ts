// A code-server (VS Code's workbench and remote extension host) on a free 127.0.0.1 port, isolated in
// temp folders, with the extension under test installed from its .vsix and user settings written
// before start. Stopped by its PID at teardown, which also ends its extension host and language server.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureCodeServer } from '../../../scripts/e2e-deps.mjs';
import { artifactPath, repoRoot, runDir } from './paths';
import { freePort, portAnswers } from './ports';
import { startProcess, type OwnedProcess } from './process';
import type { Teardown } from './teardown';
import { waitFor } from './timeout';

export interface CodeServerOptions {
  /** Names the temp folder and the log file under test-results/. */
  name: string;
  /** .vsix files to install into this server's extensions folder before it starts. */
  vsixFiles?: string[];
  /** Settings (`<user-data>/{User,Machine}/settings.json`), on top of quiet defaults for tests. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and so for its extension host (e.g. TOLLGATE_OFFLINE_DEMO_URL). */
  env?: Record<string, string>;
  /** Needed for the in-host test run: code-server 4.139 loads URL-payload test extensions only with it. */
  smokeTestDriver?: boolean;
  /** Folder to open; default: an empty temp folder. */
  workspace?: string;
  /**
   * Files to write into the workspace before the server starts, by path relative to it. A file written
   * after start reaches VS Code only through its file watcher, seconds later on a busy machine.
   */
  workspaceFiles?: Record<string, string>;
  /** Port to bind; default: a free one. */
  port?: number;
  /** Where to bind; only `npm start` passes anything but 127.0.0.1. */
  host?: string;
}

export interface CodeServer {
  url: string;
  port: number;
  workspace: string;
  userDataDir: string;
  process: OwnedProcess;
  /** The workbench URL for the workspace, with an optional `payload` (e.g. extensionTestsPath). */
  workbenchUrl(payload?: [string, string][]): string;
}

const INSTALL_TIMEOUT_MS = 60_000;
const HEALTHZ_TIMEOUT_MS = 60_000;

/** Settings that keep a test workbench quiet: no welcome page, tips, trust prompts or update checks. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
};

export async function startCodeServer(teardown: Teardown, options: CodeServerOptions): Promise<CodeServer> {
  const { node, entry } = ensureCodeServer();
  const dir = runDir(teardown, options.name);
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  const workspace = options.workspace ?? join(dir, 'workspace');
  for (const d of [userDataDir, extensionsDir, workspace, join(dir, 'tmp')]) {
    mkdirSync(d, { recursive: true });
  }
  for (const [path, text] of Object.entries(options.workspaceFiles ?? {})) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  // The same settings as User and as Machine (remote) settings: in code-server's remote window a
  // `machine`-scoped setting (the base URLs: where a key is sent) is read only from Machine/settings.json.
  const settings = JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2);
  for (const scope of ['User', 'Machine']) {
    mkdirSync(join(userDataDir, scope), { recursive: true });
    writeFileSync(join(userDataDir, scope, 'settings.json'), settings);
  }
  const env = isolatedEnv(dir, options.env ?? {});
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  for (const vsix of options.vsixFiles ?? []) {
    const result = spawnSync(node, [entry, ...common, '--install-extension', vsix], {
      env,
      encoding: 'utf8',
      timeout: INSTALL_TIMEOUT_MS,
    });
    if (result.status !== 0) {
      throw new Error(`code-server could not install ${vsix} (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
    }
  }

  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  if (await portAnswers(port)) {
    throw new Error(
      `Something already answers on 127.0.0.1:${port}; refusing to start code-server there, since the ` +
        'old server would serve this run. Stop it or choose another port.',
    );
  }
  const args = [
    entry,
    ...common,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(options.smokeTestDriver ? ['--vscode-option=--enable-smoke-test-driver'] : []),
  ];
  const child = startProcess(node, args, { cwd: repoRoot(), env, logFile: artifactPath(`${options.name}-code-server.log`) });
  teardown.defer(`stop code-server (pid ${child.pid})`, () => child.stop());

  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.child.exitCode !== null) {
        throw new Error(`code-server exited with ${child.child.exitCode}:\n${child.output()}`);
      }
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      return response.ok ? true : undefined;
    },
    HEALTHZ_TIMEOUT_MS,
    `code-server answered GET ${url}/healthz with 200`,
    200,
  );

  return {
    url,
    port,
    workspace,
    userDataDir,
    process: child,
    workbenchUrl(payload = []) {
      const query = new URLSearchParams({ folder: workspace });
      const all: [string, string][] = [['skipWelcome', 'true'], ...payload];
      query.set('payload', JSON.stringify(all));
      return `${url}/?${query.toString()}`;
    },
  };
}

/**
 * The server's environment: XDG homes and TMPDIR inside the run folder (or code-server and the extension
 * host write into the home folder), and no VSCODE_* variables inherited from a VS Code the tests run in.
 */
function isolatedEnv(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE') {
      env[key] = value;
    }
  }
  return {
    ...env,
    XDG_CONFIG_HOME: join(dir, 'xdg-config'),
    XDG_DATA_HOME: join(dir, 'xdg-data'),
    XDG_CACHE_HOME: join(dir, 'xdg-cache'),
    TMPDIR: join(dir, 'tmp'),
    ...extra,
  };
}
