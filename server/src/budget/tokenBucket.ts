/**
 * The local request-rate limit (`tollgate.rateLimit.requestsPerSecond` refill, `tollgate.rateLimit.burst`
 * size), per server process, guarding every provider attempt.
 *
 * When the bucket is empty, a caller whose token arrives within `maxWaitMs` (1 s by default) waits for it:
 * a short burst past the limit is smoothed out, not failed. Waiting callers queue (the bucket goes below
 * zero, each caller owning the next slot), so order is kept. A caller that would wait longer is refused
 * at once, without taking a token, and gets kind `rateLimitedLocal` with `retryAfterMs`: a runaway loop
 * must not pile up minutes of hidden waiting.
 */
export interface TokenBucketOptions {
  /** Epoch ms. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  maxWaitMs?: number;
}

export type TakeResult = { ok: true; waitedMs: number } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  private tokens: number | undefined;
  private last = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly maxWaitMs: number;

  constructor(options: TokenBucketOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxWaitMs = options.maxWaitMs ?? 1000;
  }

  /** Takes one token at `ratePerSecond` / `burst` (read per call: settings may change between calls). */
  async take(ratePerSecond: number, burst: number): Promise<TakeResult> {
    const now = this.now();
    const refilled = (this.tokens ?? burst) + ((now - this.last) * ratePerSecond) / 1000;
    this.tokens = Math.min(burst, refilled);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, waitedMs: 0 };
    }
    const waitMs = Math.ceil(((1 - this.tokens) * 1000) / ratePerSecond);
    if (waitMs > this.maxWaitMs) {
      return { ok: false, retryAfterMs: waitMs };
    }
    this.tokens -= 1;
    await this.sleep(waitMs);
    return { ok: true, waitedMs: waitMs };
  }
}
