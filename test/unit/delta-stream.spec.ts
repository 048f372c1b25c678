/**
 * DeltaStream (server side of tollgate/chat partial results): the first piece after a quiet spell goes
 * out at once; pieces that follow within the same event-loop turn go out together when it ends; nothing
 * is lost, doubled or reordered, and flush() sends what is pending before the response.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaStream } from '../../server/src/deltaStream';
import type { ChatDelta } from '../../server/src/protocol';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function recorder() {
  const sent: string[] = [];
  const stream = new DeltaStream((delta: ChatDelta) => sent.push(delta.text));
  return { sent, stream };
}

test('the first piece is sent at once, before the turn ends', () => {
  const { sent, stream } = recorder();
  stream.push('Hello');
  assert.deepEqual(sent, ['Hello']);
  stream.flush();
});

test('pieces after the first within one turn go out together when the turn ends', async () => {
  const { sent, stream } = recorder();
  const pieces = Array.from({ length: 200 }, (_, i) => `t${i} `);
  pieces.forEach((piece) => stream.push(piece));
  assert.deepEqual(sent, [pieces[0]], 'only the first piece left during the turn');
  await nextTurn();
  assert.deepEqual(sent, [pieces[0], pieces.slice(1).join('')]);
  assert.equal(stream.text, pieces.join(''));
});

test('a busy stream sends one batch per turn; after a quiet turn the next piece goes out at once again', async () => {
  const { sent, stream } = recorder();
  stream.push('a');
  stream.push('b');
  await nextTurn(); // the turn ends: 'b' goes out, and the next turn gathers
  stream.push('c');
  stream.push('d');
  assert.deepEqual(sent, ['a', 'b'], 'text keeps coming, so this turn gathers too');
  await nextTurn();
  assert.deepEqual(sent, ['a', 'b', 'cd']);
  await nextTurn(); // a turn with nothing new: the stream is quiet
  stream.push('e');
  assert.deepEqual(sent, ['a', 'b', 'cd', 'e']);
  stream.flush();
});

test('flush() sends what is pending at once, and nothing goes out after it', async () => {
  const { sent, stream } = recorder();
  stream.push('one ');
  stream.push('two ');
  stream.push('');
  stream.push('three');
  stream.flush();
  assert.deepEqual(sent, ['one ', 'two three']);
  await nextTurn();
  await nextTurn();
  assert.deepEqual(sent, ['one ', 'two three']);
  assert.equal(stream.text, 'one two three');
});
