// The server's idle-time garbage collection (server/src/idleCollection.ts), driven by hand-fired timers:
// once per quiet spell after work, never while a request is in flight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleCollection, type IdleTimers } from '../../server/src/idleCollection';

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending = new Map<number, { run: () => void; ms: number }>();
  let next = 0;
  const timers: IdleTimers = {
    set(run, ms) {
      pending.set(++next, { run, ms });
      return next;
    },
    clear(timer) {
      pending.delete(timer as number);
    },
  };
  return {
    timers,
    pending: () => [...pending.values()],
    /** Fires every pending timer, as if the quiet time had passed. */
    elapse() {
      const due = [...pending.entries()];
      pending.clear();
      for (const [, { run }] of due) {
        run();
      }
    },
  };
}

function setUp(quietMs = 1_000) {
  const clock = manualTimers();
  let collections = 0;
  const idle = new IdleCollection(() => collections++, quietMs, clock.timers);
  return { idle, clock, collections: () => collections };
}

test('collects once when the server has been quiet for quietMs after a request', () => {
  const { idle, clock, collections } = setUp(1_500);
  const end = idle.begin();
  assert.equal(clock.pending().length, 0, 'nothing is scheduled while the request is in flight');
  end();
  assert.deepEqual(clock.pending().map((t) => t.ms), [1_500]);
  assert.equal(collections(), 0, 'not before the quiet time has passed');
  clock.elapse();
  assert.equal(collections(), 1);
});

test('at most once per quiet spell: no new collection without new work', () => {
  const { idle, clock, collections } = setUp();
  idle.begin()();
  clock.elapse();
  clock.elapse();
  assert.equal(collections(), 1);
  assert.equal(clock.pending().length, 0, 'nothing left scheduled once the collection ran');
  idle.begin()();
  clock.elapse();
  assert.equal(collections(), 2, 'the next quiet spell after more work collects again');
});

test('never while a request is in flight: a request that starts cancels the pending collection', () => {
  const { idle, clock, collections } = setUp();
  idle.begin()();
  assert.equal(clock.pending().length, 1);
  const end = idle.begin();
  assert.equal(clock.pending().length, 0, 'the request cancelled the collection');
  clock.elapse();
  assert.equal(collections(), 0);
  end();
  clock.elapse();
  assert.equal(collections(), 1);
});

test('waits for the last of overlapping requests, and ending one twice counts once', () => {
  const { idle, clock, collections } = setUp();
  const endFirst = idle.begin();
  const endSecond = idle.begin();
  endFirst();
  endFirst();
  assert.equal(clock.pending().length, 0, 'the second request is still in flight');
  clock.elapse();
  assert.equal(collections(), 0);
  endSecond();
  clock.elapse();
  assert.equal(collections(), 1);
});

test('a tracked handler counts as in flight until its promise settles, failed or not', async () => {
  const { idle, clock, collections } = setUp();
  let finish!: (value: string) => void;
  const handler = idle.track((name: string) => new Promise<string>((resolve) => (finish = (v) => resolve(`${name} ${v}`))));
  const answer = handler('chat');
  assert.equal(clock.pending().length, 0);
  finish('done');
  assert.equal(await answer, 'chat done');
  clock.elapse();
  assert.equal(collections(), 1);

  const failing = idle.track(() => Promise.reject(new Error('provider refused')));
  await assert.rejects(failing(), /provider refused/);
  clock.elapse();
  assert.equal(collections(), 2, 'a failed request is work too, and it ended');
});

test('without --expose-gc (the tests run the server in-process) there is no idle collection', () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  assert.equal(IdleCollection.forThisProcess(), undefined);
});
