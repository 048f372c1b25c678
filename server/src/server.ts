/**
 * The language server process: `node dist/server/server.js --stdio [--storage DIR]`, and
 * `node dist/server/server.js keys set|clear|status [provider]`, which manages the API keys a standalone
 * server finds in the OS keychain. Connection wiring only; everything else is in `startServer`.
 */
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { readEnvironment } from './environment';
import { IdleCollection } from './idleCollection';
import type { HelperCommand } from './keychain/keychainClient';
import { connectionLog } from './log';
import { applyServerRuntimeFlags } from './nodeFlags';
import { startServer } from './startServer';
import { createStdioConnection } from './stdioConnection';

/** Every keychain call runs in this process, built beside server.js (scripts/serverBuild.mjs). */
const keychainHelper: HelperCommand = {
  command: process.execPath,
  args: [fileURLToPath(new URL('./keychain-helper.js', import.meta.url))],
};

if (process.argv[2] === 'keys') {
  const { runKeysCommand, cliKeychainTimeoutMs } = await import('./keychain/keysCli');
  process.exitCode = await runKeysCommand({
    args: process.argv.slice(3),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    keychain: { helper: keychainHelper, timeoutMs: cliKeychainTimeoutMs },
  });
} else {
  // Before anything compiles WebAssembly (Node's fetch compiles llhttp on the first request).
  applyServerRuntimeFlags();

  // createConnection reads the other transports (--node-ipc, --socket, --pipe) from the command line.
  const connection = process.argv.includes('--stdio') ? createStdioConnection() : createConnection(ProposedFeatures.all);

  // A stray rejection must not take down every chat in flight: log it and keep serving.
  process.on('unhandledRejection', (reason) => {
    connectionLog(connection).error(`Unhandled rejection in the Tollgate server: ${String(reason)}`);
  });

  startServer(connection, readEnvironment(process.argv, process.env, keychainHelper), undefined, { idle: IdleCollection.forThisProcess() });
}
