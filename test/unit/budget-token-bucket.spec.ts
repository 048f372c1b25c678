/** The local rate limit: a burst goes at once, a short excess waits its turn, a long one is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBucket } from '../../server/src/budget/tokenBucket';

/** A bucket on a hand-moved clock whose sleeps are recorded and advance the clock. */
function bucketWithClock(maxWaitMs = 1000) {
  let now = 0;
  const slept: number[] = [];
  const bucket = new TokenBucket({
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
    maxWaitMs,
  });
  return { bucket, slept, advance: (ms: number) => (now += ms) };
}

test('a full bucket lets a burst through without waiting', async () => {
  const { bucket, slept } = bucketWithClock();
  for (let i = 0; i < 20; i++) {
    assert.deepEqual(await bucket.take(10, 20), { ok: true, waitedMs: 0 });
  }
  assert.deepEqual(slept, []);
});

test('past the burst, callers wait their turn in order, each one refill interval later', async () => {
  const { bucket, slept } = bucketWithClock();
  for (let i = 0; i < 20; i++) {
    await bucket.take(10, 20);
  }
  // Five callers at the same moment: tokens 1..5 of the refill, 100 ms apart at 10/s.
  const waits = await Promise.all([1, 2, 3, 4, 5].map(() => bucket.take(10, 20)));
  assert.deepEqual(
    waits.map((w) => (w.ok ? w.waitedMs : -1)),
    [100, 200, 300, 400, 500],
  );
  assert.deepEqual(slept, [100, 200, 300, 400, 500]);
});

test('a caller that would wait longer than maxWaitMs is refused at once with retryAfterMs, taking no token', async () => {
  const { bucket, advance } = bucketWithClock(250);
  await bucket.take(10, 1);
  assert.deepEqual(await bucket.take(10, 1), { ok: true, waitedMs: 100 });
  assert.deepEqual(await bucket.take(10, 1), { ok: true, waitedMs: 200 });
  assert.deepEqual(await bucket.take(10, 1), { ok: false, retryAfterMs: 300 });
  // The refused caller took nothing: after the queue drains, the bucket refills as usual.
  advance(300);
  assert.deepEqual(await bucket.take(10, 1), { ok: true, waitedMs: 0 });
});

test('the bucket refills over time up to the burst, never beyond', async () => {
  const { bucket, advance } = bucketWithClock(0);
  for (let i = 0; i < 3; i++) {
    await bucket.take(10, 3);
  }
  advance(60_000);
  for (let i = 0; i < 3; i++) {
    assert.equal((await bucket.take(10, 3)).ok, true);
  }
  assert.equal((await bucket.take(10, 3)).ok, false);
});
