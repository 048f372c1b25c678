/**
 * Reads LSP messages from the client's stream and hands each on in the same turn as its last byte
 * arrives: the reading half of what `OneWriteMessageWriter` does for writing.
 *
 * vscode-jsonrpc's stream reader passes every complete message through a semaphore that starts its work
 * with `setImmediate`, then through two awaited decoders, before the connection's own queue takes it (on
 * another `setImmediate`). So each request waited one extra turn of the event loop, plus promise hops,
 * before its handler ran; measured with `npm run bench -- --only pipeline` (interleaved servers), about
 * 0.1 ms of `ttftOverheadMs`. Here framing and JSON parsing are synchronous, so order is kept by
 * construction. Only UTF-8 bodies exist in LSP practice, and `Content-Type` is not required.
 *
 * It also exposes the stream's `read` and `on`: vscode-languageserver recognises a stream by those two and
 * then ends the process when the client closes stdin (exit code 0 after `shutdown`, else 1), which a
 * server given a reader would otherwise never do.
 */
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from 'vscode-languageserver/node';

const headerEnd = Buffer.from('\r\n\r\n', 'ascii');

export class ImmediateMessageReader extends AbstractMessageReader implements MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  /** The body length of the message being read, once its header is complete. */
  private bodyLength: number | undefined;
  /** Set after a header without a usable Content-Length: the stream cannot be framed any more. */
  private broken = false;

  constructor(private readonly input: NodeJS.ReadableStream) {
    super();
    input.on('error', (error: Error) => this.fireError(error));
    input.on('close', () => this.fireClose());
  }

  read(size?: number): string | Buffer {
    return this.input.read(size);
  }

  on(event: string, listener: (...args: unknown[]) => void): this {
    this.input.on(event, listener);
    return this;
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer | string) => this.onData(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, callback);
    this.input.on('data', onData);
    return { dispose: () => this.input.removeListener('data', onData) };
  }

  private onData(chunk: Buffer, callback: DataCallback): void {
    if (this.broken) {
      return;
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (this.bodyLength === undefined) {
        const end = this.pending.indexOf(headerEnd);
        if (end === -1) {
          return;
        }
        const length = contentLength(this.pending.toString('ascii', 0, end));
        if (length === undefined) {
          this.broken = true;
          this.fireError(new Error(`An LSP message header has no valid Content-Length: ${JSON.stringify(this.pending.toString('ascii', 0, end))}`));
          return;
        }
        this.bodyLength = length;
        this.pending = this.pending.subarray(end + headerEnd.length);
      }
      if (this.pending.length < this.bodyLength) {
        return;
      }
      const body = this.pending.toString('utf8', 0, this.bodyLength);
      this.pending = this.pending.subarray(this.bodyLength);
      this.bodyLength = undefined;
      let message: Message;
      try {
        message = JSON.parse(body) as Message;
      } catch (error) {
        // The frame was intact, so the next message can still be read.
        this.fireError(error);
        continue;
      }
      callback(message);
    }
  }
}

/** The Content-Length of an LSP header block (`Name: value` lines), or undefined when it has none. */
function contentLength(header: string): number | undefined {
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon !== -1 && line.slice(0, colon).trim().toLowerCase() === 'content-length') {
      const value = line.slice(colon + 1).trim();
      return /^\d+$/.test(value) ? Number(value) : undefined;
    }
  }
  return undefined;
}
