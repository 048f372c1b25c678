/**
 * What stands between Tollgate and every provider attempt: the local request-rate limit and the daily
 * budget. `runAttempts()` asks the guard before each attempt (the first and every retry) and settles with
 * it after, so each retry reserves again. The budget (`server/src/budget/`) implements this interface.
 */
import type { PreparedCall } from './preparedCall';
import type { Usage } from './protocol';

export interface CallGuard {
  /**
   * Admits one attempt: takes a rate-limit token and reserves the attempt's worst-case cost. Throws a
   * `ResponseError` with kind `budgetExceeded` or `rateLimitedLocal` — before any HTTP request — when it
   * may not go out.
   */
  admit(call: PreparedCall): Promise<Admission>;
}

export interface Admission {
  /** Replaces the reservation with what the attempt cost; resolves with that cost in USD. */
  settle(outcome: AttemptOutcome): Promise<number>;
  /**
   * Called once, right after the attempt's first output was handed on (so the client has its first delta):
   * the moment for work a guard keeps off the path to it, such as telling the client about the reservation.
   */
  outputStarted?(): void;
}

export interface AttemptOutcome {
  /** What the provider reported; absent when the attempt failed or was stopped before it said. */
  usage?: Usage;
  /** Characters of output received, for an honest estimate when `usage` is absent. */
  outputChars: number;
  /** Whether the request may have reached the provider (and so may be billed). */
  reachedProvider: boolean;
}
