/**
 * The language server process: `node dist/server/server.js --stdio [--storage DIR]`.
 * Connection wiring only; everything else is in `startServer`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { readEnvironment } from './environment';
import { IdleCollection } from './idleCollection';
import { connectionLog } from './log';
import { applyServerRuntimeFlags } from './nodeFlags';
import { startServer } from './startServer';
import { createStdioConnection } from './stdioConnection';

// Before anything compiles WebAssembly (Node's fetch compiles llhttp on the first request).
applyServerRuntimeFlags();

// createConnection reads the other transports (--node-ipc, --socket, --pipe) from the command line.
const connection = process.argv.includes('--stdio') ? createStdioConnection() : createConnection(ProposedFeatures.all);

// A stray rejection must not take down every chat in flight: log it and keep serving.
process.on('unhandledRejection', (reason) => {
  connectionLog(connection).error(`Unhandled rejection in the Tollgate server: ${String(reason)}`);
});

startServer(connection, readEnvironment(process.argv, process.env), undefined, { idle: IdleCollection.forThisProcess() });
