/**
 * The language server process: `node dist/server/server.js --stdio [--storage DIR]`.
 * Connection wiring only; everything else is in `startServer`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { readEnvironment } from './environment';
import { startServer } from './startServer';

// createConnection reads the transport (--stdio, --node-ipc, --socket) from the command line.
startServer(createConnection(ProposedFeatures.all), readEnvironment(process.argv, process.env));
