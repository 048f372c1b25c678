// Streamed deltas reach the webview at most once per frame, as the exact concatenation of what arrived.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatPartialResult } from '../../server/src/protocol';
import { DeltaCoalescer, textOfPartialResult, type FrameScheduler } from '../../client/src/chat/deltaCoalescer';

/** A scheduler whose frames end only when the test says so. */
function manualFrames(): FrameScheduler & { endFrame(): void; pending(): number } {
  let callbacks: (() => void)[] = [];
  return {
    schedule(callback) {
      callbacks.push(callback);
      return { cancel: () => (callbacks = callbacks.filter((c) => c !== callback)) };
    },
    endFrame() {
      const due = callbacks;
      callbacks = [];
      due.forEach((callback) => callback());
    },
    pending: () => callbacks.length,
  };
}

test('many deltas in one frame become one post with their exact concatenation', () => {
  const frames = manualFrames();
  const posts: string[] = [];
  const coalescer = new DeltaCoalescer((text) => posts.push(text), frames);
  const tokens = Array.from({ length: 500 }, (_, i) => `t${i} `);
  tokens.forEach((token) => coalescer.push(token));
  assert.deepEqual(posts, [], 'nothing is posted before the frame ends');
  assert.equal(frames.pending(), 1, 'one frame is scheduled, not one per delta');
  frames.endFrame();
  assert.deepEqual(posts, [tokens.join('')]);
});

test('deltas across frames are neither lost nor doubled', () => {
  const frames = manualFrames();
  const posts: string[] = [];
  const coalescer = new DeltaCoalescer((text) => posts.push(text), frames);
  coalescer.push('Hel');
  coalescer.push('lo');
  frames.endFrame();
  frames.endFrame(); // a frame with nothing new posts nothing
  coalescer.push(', wor');
  frames.endFrame();
  coalescer.push('ld');
  coalescer.flush(); // the stream ended before the frame did
  frames.endFrame();
  assert.deepEqual(posts, ['Hello', ', wor', 'ld']);
  assert.equal(posts.join(''), 'Hello, world');
});

test('flush posts what is pending at once and cancels its frame', () => {
  const frames = manualFrames();
  const posts: string[] = [];
  const coalescer = new DeltaCoalescer((text) => posts.push(text), frames);
  coalescer.push('a');
  coalescer.flush();
  assert.deepEqual(posts, ['a']);
  assert.equal(frames.pending(), 0);
  coalescer.flush();
  assert.deepEqual(posts, ['a'], 'an empty flush posts nothing');
});

test('the real timer posts within a frame', async () => {
  const posts: string[] = [];
  const coalescer = new DeltaCoalescer((text) => posts.push(text));
  coalescer.push('x');
  coalescer.push('y');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(posts, ['xy']);
});

test('a partial result is one delta or an array of them', () => {
  assert.equal(textOfPartialResult({ text: 'one' }), 'one');
  assert.equal(textOfPartialResult([{ text: 'a' }, { text: 'b' }, { text: '' }]), 'ab');
  assert.equal(textOfPartialResult([]), '');
  // A malformed partial result (the protocol forbids it, the wire does not) is skipped, not thrown on.
  const malformed = [{ text: 'ok' }, { nope: 1 }, null, { text: 3 }] as unknown as ChatPartialResult;
  assert.equal(textOfPartialResult(malformed), 'ok');
  assert.equal(textOfPartialResult(null as unknown as ChatPartialResult), '');
});
