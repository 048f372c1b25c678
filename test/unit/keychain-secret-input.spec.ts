/**
 * `keys set` reads the key without showing it (server/src/keychain/secretInput.ts): at a terminal in raw
 * mode, so nothing typed is echoed, with Backspace, Ctrl-U and Ctrl-C working; piped, as it comes, without
 * its line ending.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { readSecret } from '../../server/src/keychain/secretInput';

/** A terminal: records raw mode switches, and what was written to it. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[] });
  const tty = Object.assign(input, {
    setRawMode(mode: boolean) {
      input.modes.push(mode);
      return input;
    },
  });
  let shown = '';
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  return { tty, output, shown: () => shown };
}

test('at a terminal: raw mode while typing, nothing echoed but the prompt, Backspace and Ctrl-U edit', async () => {
  const { tty, output, shown } = terminal();
  const read = readSecret(tty, output, 'Key: ');
  tty.write('wrong');
  tty.write('\u0015'); // Ctrl-U: start over
  tty.write('sk-ab');
  tty.write('\u007f'); // Backspace
  tty.write('c\u001b[Ddef'); // an arrow key's escape sequence is ignored
  tty.write('\r');
  assert.equal(await read, 'sk-acdef');
  assert.deepEqual(tty.modes, [true, false], 'raw mode on while reading, off after');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(shown(), 'Key: \n');
});

test('at a terminal: Ctrl-C gives up, and so does Ctrl-D on an empty line', async () => {
  for (const key of ['\u0003', '\u0004']) {
    const { tty, output } = terminal();
    const read = readSecret(tty, output, 'Key: ');
    tty.write(key === '\u0003' ? `sk-partial${key}` : key);
    assert.equal(await read, undefined);
    assert.deepEqual(tty.modes, [true, false]);
  }
});

test('piped: the whole input without its line ending, and no prompt', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const read = readSecret(input, output, 'Key: ');
  input.end('sk-piped-123\r\n');
  assert.equal(await read, 'sk-piped-123');
  assert.equal(shown, '');
});
