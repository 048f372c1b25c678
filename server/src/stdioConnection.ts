/**
 * The connection over stdin/stdout (`--stdio`, how VS Code starts the server), with messages from the
 * client read by `ImmediateMessageReader` and messages to it written by `OneWriteMessageWriter`, rather
 * than by vscode-jsonrpc's own stream reader and writer.
 *
 * Handing vscode-languageserver the streams ourselves means it no longer knows stdout carries the
 * protocol, so what it does for `--stdio` is done here too: anything written with `console` goes to the
 * client's log instead of stdout, where it would corrupt the protocol.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { type Connection, createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ImmediateMessageReader } from './immediateMessageReader';
import { OneWriteMessageWriter } from './oneWriteMessageWriter';

export function createStdioConnection(): Connection {
  const connection = createConnection(ProposedFeatures.all, new ImmediateMessageReader(process.stdin), new OneWriteMessageWriter(process.stdout));
  consoleToClient(connection);
  return connection;
}

/**
 * Points every method of the global `console` (including references libraries took earlier) at the
 * client's log: standard output as log lines, standard error as error lines.
 */
export function consoleToClient(connection: Pick<Connection, 'console'>): void {
  const toClient = new Console({
    stdout: lines((line) => connection.console.log(line)),
    stderr: lines((line) => connection.console.error(line)),
  });
  const target = console as unknown as Record<string, unknown>;
  for (const [name, method] of Object.entries(toClient)) {
    if (typeof method === 'function') {
      target[name] = method;
    }
  }
}

function lines(send: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      send(String(chunk).replace(/\n$/, ''));
      done();
    },
  });
}
