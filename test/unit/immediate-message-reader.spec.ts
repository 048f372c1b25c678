/**
 * The server's stdin reader: LSP frames however the bytes are split, each message handed on in the same
 * turn as its last byte (no `setImmediate` in between, unlike vscode-jsonrpc's reader), errors reported.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { Message } from 'vscode-languageserver/node';
import { ImmediateMessageReader } from '../../server/src/immediateMessageReader';

const frame = (message: unknown, extraHeader = '') => {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.byteLength}\r\n${extraHeader}\r\n`, 'ascii'), body]);
};

function reading() {
  const input = new PassThrough();
  const reader = new ImmediateMessageReader(input);
  const messages: Message[] = [];
  const errors: string[] = [];
  reader.listen((message) => messages.push(message));
  reader.onError((error) => errors.push(Array.isArray(error) ? String(error[0]) : String(error)));
  return { input, reader, messages, errors };
}

const first = { jsonrpc: '2.0', id: 1, method: 'tollgate/chat', params: { messages: [{ role: 'user', content: 'Größe 東京 ☃' }] } };
const second = { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } };

test('messages come out whole and in order however the bytes are split, extra headers included', () => {
  const bytes = Buffer.concat([frame(first), frame(second, 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n')]);
  for (let size = 1; size <= bytes.length; size++) {
    const { input, messages, errors } = reading();
    for (let at = 0; at < bytes.length; at += size) {
      input.emit('data', bytes.subarray(at, at + size));
    }
    assert.deepEqual(messages, [first, second], `split every ${size} bytes`);
    assert.deepEqual(errors, []);
  }
});

test('a message is handed on in the same turn as its last byte', () => {
  const { input, messages } = reading();
  input.emit('data', frame(first));
  assert.deepEqual(messages, [first]);
});

test('a body that is not JSON is reported and the next message still read; a header without Content-Length stops reading', () => {
  const { input, messages, errors } = reading();
  input.emit('data', Buffer.concat([Buffer.from('Content-Length: 5\r\n\r\n{nope', 'ascii'), frame(second)]));
  assert.deepEqual(messages, [second]);
  assert.equal(errors.length, 1);
  input.emit('data', Buffer.concat([Buffer.from('Content-Type: text/plain\r\n\r\n{}', 'ascii'), frame(first)]));
  assert.deepEqual(messages, [second]);
  assert.equal(errors.length, 2);
  assert.match(errors[1] ?? '', /no valid Content-Length/);
});

test("the stream's end and close reach whoever listens (vscode-languageserver exits on them)", () => {
  const { input, reader } = reading();
  let ended = false;
  let closed = false;
  reader.on('end', () => (ended = true));
  reader.onClose(() => (closed = true));
  input.emit('end');
  input.emit('close');
  assert.ok(ended && closed);
});
