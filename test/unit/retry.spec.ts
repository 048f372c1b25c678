/** decideRetry(): the one retry policy, as a table of (error, attempt, deltas) → decision. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProviderError } from '../../server/src/errors';
import { backoffMs, decideRetry, longestProviderWaitMs, type RetryDecision, type RetryOptions } from '../../server/src/retry';

/** The contract defaults, with no jitter unless a case asks for it. */
const defaults: RetryOptions = { maxAttempts: 3, minDelayMs: 2000, maxDelayMs: 30_000, random: () => 0 };

const retryIn = (delayMs: number): RetryDecision => ({ retry: true, delayMs });
const stop = (reason: Extract<RetryDecision, { retry: false }>['reason']): RetryDecision => ({ retry: false, reason });

const cases: [string, ProviderError, number, boolean, RetryDecision, Partial<RetryOptions>?][] = [
  ['429 without a wait: first backoff 2 s', { kind: 'rateLimited' }, 1, false, retryIn(2000)],
  ['429 second retry: 4 s', { kind: 'rateLimited' }, 2, false, retryIn(4000)],
  ['429 on the last attempt', { kind: 'rateLimited' }, 3, false, stop('attemptsExhausted')],
  ['overloaded', { kind: 'overloaded' }, 1, false, retryIn(2000)],
  ['server 5xx', { kind: 'server', status: 500 }, 1, false, retryIn(2000)],
  ['timeout', { kind: 'timeout' }, 1, false, retryIn(2000)],
  ['network', { kind: 'network' }, 1, false, retryIn(2000)],
  ['retry-after-ms 1 wins over the backoff', { kind: 'rateLimited', retryAfterMs: 1 }, 1, false, retryIn(1)],
  ['retry-after 0 means at once', { kind: 'overloaded', retryAfterMs: 0 }, 1, false, retryIn(0)],
  ['a provider wait above maxDelayMs still wins', { kind: 'rateLimited', retryAfterMs: 45_000 }, 1, false, retryIn(45_000)],
  ['exactly a minute is still slept', { kind: 'rateLimited', retryAfterMs: 60_000 }, 1, false, retryIn(60_000)],
  ['over a minute is not slept through', { kind: 'rateLimited', retryAfterMs: 60_001 }, 1, false, stop('waitTooLong')],
  ['over a minute on the last attempt still says so', { kind: 'rateLimited', retryAfterMs: 120_000 }, 3, false, stop('waitTooLong')],
  ['x-should-retry: false vetoes', { kind: 'overloaded', shouldRetry: false }, 1, false, stop('providerSaidNo')],
  ['x-should-retry: true on a transient kind', { kind: 'server', shouldRetry: true }, 1, false, retryIn(2000)],
  ['after deltas: never (text would double)', { kind: 'overloaded' }, 1, true, stop('afterDeltas')],
  ['after deltas even with a tiny wait', { kind: 'server', retryAfterMs: 1 }, 1, true, stop('afterDeltas')],
  ['quota', { kind: 'quotaExceeded' }, 1, false, stop('notTransient')],
  ['authentication', { kind: 'authentication', missingKey: false }, 1, false, stop('notTransient')],
  ['invalid request', { kind: 'invalidRequest', detail: 'bad' }, 1, false, stop('notTransient')],
  ['content filter', { kind: 'contentFiltered' }, 1, false, stop('notTransient')],
  ['context window (its own shrink-and-retry lives in runAttempts)', { kind: 'contextWindowExceeded' }, 1, false, stop('notTransient')],
  ['canceled', { kind: 'canceled' }, 1, false, stop('notTransient')],
  ['maxAttempts 1 never retries', { kind: 'overloaded' }, 1, false, stop('attemptsExhausted'), { maxAttempts: 1 }],
  ['the backoff is capped at maxDelayMs', { kind: 'overloaded' }, 6, false, retryIn(30_000), { maxAttempts: 10 }],
  ['jitter adds up to 20 %', { kind: 'overloaded' }, 1, false, retryIn(2399), { random: () => 0.9975 }],
  ['jitter never passes the cap', { kind: 'overloaded' }, 5, false, retryIn(30_000), { maxAttempts: 10, random: () => 0.99 }],
];

for (const [name, error, attempt, hasDeltas, expected, options] of cases) {
  test(`decideRetry: ${name}`, () => {
    assert.deepEqual(decideRetry(error, attempt, { ...defaults, ...options }, hasDeltas), expected);
  });
}

test('backoff doubles from minDelayMs: 2 s, 4 s, 8 s, 16 s, then the 30 s cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, defaults)),
    [2000, 4000, 8000, 16_000, 30_000, 30_000],
  );
});

test('the longest wait Tollgate sleeps through is one minute', () => {
  assert.equal(longestProviderWaitMs, 60_000);
});
