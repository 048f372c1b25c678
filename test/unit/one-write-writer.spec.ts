/**
 * The server's stdio transport: OneWriteMessageWriter writes each LSP message as one frame in one write,
 * at once and in order (so a partial result is never held behind the rest of a busy turn), and a standard
 * LSP reader reads the frames back; consoleToClient keeps console output off stdout.
 */
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { type Message, StreamMessageReader } from 'vscode-languageserver/node';
import { OneWriteMessageWriter } from '../../server/src/oneWriteMessageWriter';
import { consoleToClient } from '../../server/src/stdioConnection';

const progress = (text: string): Message => ({ jsonrpc: '2.0', method: '$/progress', params: { token: 't', value: { text } } }) as Message;

test('each message is one write of a whole frame, made before write() returns', () => {
  const writes: Buffer[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk);
      done();
    },
  });
  const writer = new OneWriteMessageWriter(output);
  void writer.write(progress('café ☕'));
  assert.equal(writes.length, 1, 'written synchronously, header and body together');
  const frame = writes[0]!.toString('utf8');
  const body = JSON.stringify(progress('café ☕'));
  assert.equal(frame, `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
});

test('a standard LSP reader reads the messages back, in the order they were written', async () => {
  const pipe = new PassThrough();
  const writer = new OneWriteMessageWriter(pipe);
  const reader = new StreamMessageReader(pipe);
  const received: Message[] = [];
  const all = new Promise<void>((resolve) =>
    reader.listen((message) => {
      received.push(message);
      if (received.length === 50) {
        resolve();
      }
    }),
  );
  const texts = Array.from({ length: 50 }, (_, i) => `piece ${i} ✓`);
  await Promise.all(texts.map((text) => writer.write(progress(text))));
  await all;
  assert.deepEqual(received, texts.map(progress));
  reader.dispose();
});

test('a failed write rejects and is reported as the writer error', async () => {
  const output = new Writable({
    write(_chunk, _encoding, done) {
      done(new Error('EPIPE: the client is gone'));
    },
  });
  output.on('error', () => undefined);
  const writer = new OneWriteMessageWriter(output);
  const errors: Error[] = [];
  writer.onError(([error]) => errors.push(error));
  await assert.rejects(writer.write(progress('lost')), /EPIPE/);
  assert.ok(errors.some((error) => /EPIPE/.test(error.message)));
});

test('console output goes to the client log, not to stdout', () => {
  const saved = { ...console };
  const logged: string[] = [];
  const failed: string[] = [];
  try {
    consoleToClient({
      console: { log: (line: string) => logged.push(line), error: (line: string) => failed.push(line) } as never,
    });
    console.log('plain', { a: 1 });
    console.dir({ b: 2 });
    console.info('info');
    console.error('broken');
  } finally {
    Object.assign(console, saved);
  }
  assert.deepEqual(logged, ['plain { a: 1 }', '{ b: 2 }', 'info']);
  assert.deepEqual(failed, ['broken']);
});
