/**
 * One full garbage collection when the server goes quiet after work, as browsers collect in idle time.
 *
 * The server is idle almost all the time between chats, but the garbage of a burst of chats can stay
 * resident through that idleness. V8's memory reducer collects a quiet heap 8 s after a full GC armed it,
 * and arms only after the heap grew 10 MB since its last run: after 1,100 chats, one server in three kept
 * its ~103 MB for the 40 s we watched, the others dropped to ~94 MB at 8 s. Here the server collects
 * once `quietMs` after the last request it was working on finished: RSS drops 2–5 MB at once, and that
 * full GC arms the memory reducer, which took every server measured to 91–95 MB ~9 s later. At most once
 * per quiet spell, and never while a request is in flight: a request that starts cancels the pending
 * collection. A collection blocks the thread for one full GC (40–60 ms at this heap size, measured with a
 * busy machine), so it only runs when the server has had nothing to do for `quietMs`.
 */

export interface IdleTimers {
  set(run: () => void, ms: number): unknown;
  clear(timer: unknown): void;
}

/** Real timers that do not keep the process alive: a pending collection must not delay the exit. */
const processTimers: IdleTimers = {
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** How long the server must have had no request in flight before it collects. */
export const defaultQuietMs = 1_000;

export class IdleCollection {
  private inFlight = 0;
  private timer: unknown;

  constructor(
    private readonly collect: () => void,
    private readonly quietMs = defaultQuietMs,
    private readonly timers: IdleTimers = processTimers,
  ) {}

  /**
   * The collection of this process when it was started with `--expose-gc` (serverNodeFlags), or undefined
   * (the server run in-process by the tests, or started without the flags): then nothing is collected.
   */
  static forThisProcess(): IdleCollection | undefined {
    const gc = (globalThis as { gc?: () => void }).gc;
    return typeof gc === 'function' ? new IdleCollection(() => gc()) : undefined;
  }

  /** Marks a request as started; call the returned function once when it has finished, however it ended. */
  begin(): () => void {
    this.inFlight++;
    this.cancel();
    let ended = false;
    return () => {
      if (ended) {
        return;
      }
      ended = true;
      this.inFlight--;
      if (this.inFlight === 0) {
        this.schedule();
      }
    };
  }

  /** `handler`, counted as a request in flight from its call until its promise settles. */
  track<P extends unknown[], R>(handler: (...params: P) => R | Promise<R>): (...params: P) => Promise<R> {
    return async (...params: P) => {
      const end = this.begin();
      try {
        return await handler(...params);
      } finally {
        end();
      }
    };
  }

  /** Only the end of a request schedules, so a quiet spell without new work never collects again. */
  private schedule(): void {
    this.cancel();
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      if (this.inFlight === 0) {
        this.collect();
      }
    }, this.quietMs);
  }

  private cancel(): void {
    if (this.timer !== undefined) {
      this.timers.clear(this.timer);
      this.timer = undefined;
    }
  }
}
