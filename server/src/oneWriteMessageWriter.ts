/**
 * Writes each LSP message to the client in one write, at once.
 *
 * vscode-jsonrpc's stream writer queues every message behind a `setImmediate` and writes its header and
 * its body separately, waiting for the first write's callback before the second. So a partial result
 * sent while the server is busy (say, parsing the rest of a provider's read, or settling the budget)
 * leaves only when that turn ends, and every message costs the client two wake-ups. Measured with
 * `npm run bench -- --only pipeline`, that was a large share of `ttftOverheadMs`.
 *
 * Here the frame (header and UTF-8 JSON body) is built and handed to the stream synchronously; the
 * stream keeps the order of writes, so messages still arrive in the order they were sent.
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

export class OneWriteMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly output: NodeJS.WritableStream) {
    super();
    output.on('error', (error: Error) => this.fireError(error));
    output.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let frame: Buffer;
    try {
      const body = Buffer.from(JSON.stringify(message), 'utf8');
      frame = Buffer.concat([Buffer.from(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii'), body]);
    } catch (thrown) {
      // A message JSON cannot hold (a cycle, a BigInt): the same failure vscode-jsonrpc's writer reports.
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.fireError(error);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.output.write(frame, (error?: Error | null) => {
        if (error) {
          this.errorCount += 1;
          this.fireError(error, message, this.errorCount);
          reject(error);
        } else {
          resolve();
        }
      });
    });
  }

  end(): void {
    this.output.end();
  }
}
