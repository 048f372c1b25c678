/**
 * The one retry policy: given a failed attempt, retry after how long, or stop. A pure function, so a
 * table test covers it (`test/unit/retry.spec.ts`); `runAttempts()` (attempts.ts) applies it. The SDKs'
 * own retries are off (`maxRetries: 0`), so nothing else retries a provider call.
 *
 * - Transient failures are retried: `rateLimited`, `overloaded`, `server`, `timeout`, `network`.
 *   Everything else (quota, authentication, invalid request, content filter, context window, canceled,
 *   Tollgate's own budget and rate limit) would fail the same way again, or must not be repeated.
 * - Only before the first delta: once text has reached the user, a new attempt would repeat it.
 * - At most `maxAttempts` attempts, the first included (`tollgate.retry.maxAttempts`).
 * - The wait is the provider's when it said (`retry-after-ms` / `retry-after`), even above
 *   `maxDelayMs`, up to `longestProviderWaitMs`. A longer wait is not slept through: the call fails at
 *   once with `retryAfterMs`, so the user sees when to retry instead of a silent minute-long spinner.
 * - Otherwise exponential backoff: `minDelayMs` × 2^(attempt − 1) (2 s, 4 s, 8 s …), capped at
 *   `maxDelayMs`, plus up to 20 % jitter (never above the cap), so clients throttled together do not
 *   come back together.
 * - `x-should-retry: false` vetoes a retry. `x-should-retry: true` does not override the kinds above that
 *   are never retried: a rejected key or an empty account fails again however often it is asked.
 */
import type { ProviderError, RetryHints } from './errors';
import type { ErrorKind } from './protocol';

export interface RetryOptions {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Backoff of the first retry; it doubles with each further retry. */
  minDelayMs: number;
  /** Backoff ceiling. A provider's own wait may exceed it, up to `longestProviderWaitMs`. */
  maxDelayMs: number;
  /** Uniform in [0, 1); injectable so tests choose the jitter. */
  random?: () => number;
}

/** Provider waits longer than this are not slept through: the error goes to the user with `retryAfterMs`. */
export const longestProviderWaitMs = 60_000;

/** Share of the backoff added at most as jitter. */
const jitterShare = 0.2;

/** The failures a later attempt can cure. */
const transientKinds: ReadonlySet<ErrorKind> = new Set(['rateLimited', 'overloaded', 'server', 'timeout', 'network']);

export type RetryDecision =
  | { retry: true; delayMs: number }
  | {
      retry: false;
      /** Why not, for the server log. */
      reason: 'notTransient' | 'afterDeltas' | 'attemptsExhausted' | 'providerSaidNo' | 'waitTooLong';
    };

/**
 * `attempt` is the attempt that just failed (1-based); `hasDeltas` says whether any of its text reached
 * the client.
 */
export function decideRetry(error: ProviderError, attempt: number, options: RetryOptions, hasDeltas: boolean): RetryDecision {
  if (!transientKinds.has(error.kind)) {
    return { retry: false, reason: 'notTransient' };
  }
  if (hasDeltas) {
    return { retry: false, reason: 'afterDeltas' };
  }
  const hints = retryHints(error);
  if (hints.shouldRetry === false) {
    return { retry: false, reason: 'providerSaidNo' };
  }
  if (hints.retryAfterMs !== undefined && hints.retryAfterMs > longestProviderWaitMs) {
    // Checked before the attempt count: the error then carries the wait even on the last attempt, and a
    // client can offer "retry at HH:MM" whichever attempt it was.
    return { retry: false, reason: 'waitTooLong' };
  }
  if (attempt >= options.maxAttempts) {
    return { retry: false, reason: 'attemptsExhausted' };
  }
  if (hints.retryAfterMs !== undefined) {
    return { retry: true, delayMs: hints.retryAfterMs };
  }
  return { retry: true, delayMs: backoffMs(attempt, options) };
}

/** What the provider said about retrying, for the kinds that can carry it. */
function retryHints(error: ProviderError): RetryHints {
  switch (error.kind) {
    case 'rateLimited':
    case 'overloaded':
    case 'server':
    case 'timeout':
      return error;
    default:
      return {};
  }
}

/** Exponential backoff with jitter for the wait after failed attempt `attempt`. */
export function backoffMs(attempt: number, { minDelayMs, maxDelayMs, random = Math.random }: RetryOptions): number {
  const base = Math.min(maxDelayMs, minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(Math.min(maxDelayMs, base * (1 + jitterShare * random())));
}
