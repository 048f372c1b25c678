// `npm start`: Tollgate in a real VS Code (code-server) at http://127.0.0.1:<port>, from a fresh clone
// on a machine with only Node 20 and npm. It installs what is missing (node_modules, code-server),
// packages the extension, installs it into a throwaway code-server profile and, by default, starts the
// fake provider so the chat answers offline ("Offline demo") without any key.
//
//   npm start                         offline demo on port 8080 (or a free port if 8080 is taken)
//   npm start -- --port 3000          a given port (PORT=3000 works too); refuses if it is taken
//   npm start -- --live               no fake provider: set a real key in VS Code with
//                                     "Tollgate: Set API Key" and the chat calls the provider
//   npm start -- --folder ~/project   open that folder (default: demo/ if present, else an empty one)
//
// Runs until Ctrl+C, then stops code-server, its extension host, the language server and the fake.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    live: { type: 'boolean', default: false },
    folder: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('Usage: npm start [-- --port N] [--live] [--folder PATH]   (see scripts/start.mjs)');
  process.exit(0);
}

/** Runs a setup step with its output shown; exits with a sentence naming the step when it fails. */
function step(title, command, args) {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result.status ?? result.signal}). Fix the error above and run \`npm start\` again.`);
    process.exit(1);
  }
}

if (!existsSync(join(root, 'node_modules'))) {
  step('Installing dependencies (first run)', 'npm', ['install', '--no-audit', '--no-fund']);
}
// `npm run package` builds (production) and packs dist/tollgate.vsix, the extension as users get it.
step('Building and packaging the extension', 'npm', ['run', 'package']);

// From here on the project's own TypeScript harness is reused (through tsx, now installed).
// The .ts files are CommonJS (package.json has no "type"), so tsx needs both its hooks.
(await import('tsx/cjs/api')).register();
(await import('tsx/esm/api')).register();
const { ensureCodeServer } = await import('./e2e-deps.mjs');
/** Imports a harness module; being CommonJS, its exports may arrive as the default export. */
async function harness(name) {
  const mod = await import(`../test/e2e/harness/${name}.ts`);
  return { ...mod.default, ...mod };
}
const { Teardown } = await harness('teardown');
const { startFakeProvider } = await harness('fake-provider');
const { startCodeServer } = await harness('code-server');
const { portAnswers } = await harness('ports');

console.log('\n▶ Checking code-server (installed once into ~/.cache/tollgate-e2e, a few minutes the first time)');
try {
  ensureCodeServer({ log: (line) => console.log(line) });
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const teardown = new Teardown();
let stopping = false;
async function stop(code) {
  if (stopping) {
    return;
  }
  stopping = true;
  console.log('\nStopping Tollgate…');
  await teardown.run().catch((error) => console.error(error instanceof Error ? error.message : error));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const env = {};
  if (!values.live) {
    const fake = await startFakeProvider(teardown, 'start');
    // The client reads this to answer without a key from the fake's "Offline demo" replies.
    env.TOLLGATE_OFFLINE_DEMO_URL = fake.url;
  }
  const requested = values.port ?? process.env.PORT;
  let port = requested === undefined ? 8080 : Number(requested);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--port / PORT must be a port number from 1 to 65535, got "${requested}".`);
  }
  if (requested === undefined && (await portAnswers(port))) {
    port = undefined; // 8080 is taken and no port was asked for: let the harness pick a free one.
  }
  const folder = values.folder ? resolve(values.folder) : existsSync(join(root, 'demo')) ? join(root, 'demo') : undefined;
  const server = await startCodeServer(teardown, {
    name: 'start',
    vsixFiles: [join(root, 'dist', 'tollgate.vsix')],
    env,
    port,
    workspace: folder,
  });
  server.process.child.once('exit', (code) => {
    if (stopping) {
      return; // our own teardown stopped it
    }
    console.error(`\n✖ code-server stopped unexpectedly (exit ${code}); its log is test-results/start-code-server.log.`);
    void stop(1);
  });
  console.log(`
────────────────────────────────────────────────────────────
  Tollgate is running in VS Code at:  ${server.workbenchUrl()}
  ${values.live ? 'Live mode: set a key with "Tollgate: Set API Key" (F1), then "Tollgate: Open Chat".' : 'Offline demo: run "Tollgate: Open Chat" (F1); answers come from a local fake provider.\n  For real answers set a key with "Tollgate: Set API Key", or restart with `npm start -- --live`.'}
  Logs: test-results/start-code-server.log   Stop: Ctrl+C
────────────────────────────────────────────────────────────`);
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
