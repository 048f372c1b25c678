/**
 * Wakes the waiters of a `FileLock` when its files change, instead of letting them sleep through a poll
 * interval: a holder keeps the lock for tens of microseconds, so a waiter that sleeps 1–2 ms between
 * tries loses nearly every race to a process that is already running.
 *
 * One `fs.watch` of the lock's folder per process, open only while some call of this process waits
 * (so an idle window holds no watch). Events are a hint, never a guarantee (a network drive may send
 * none, and the folder also changes whenever the journal grows): every waiter still wakes after a short
 * timeout, and without a watch it polls as often as the lock always did.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename } from 'node:path';

export class LockWakeups {
  private watcher: FSWatcher | undefined;
  private watchable = true;
  private waiting = 0;
  /** Each sleeper with the file name it waits on. */
  private readonly sleepers = new Map<() => void, string>();
  private readonly dir: string;

  /** Wakes on changes of files in `dir`. */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** Starts waiting: the watch is opened for the first waiter of this process. Pair with `stop`. */
  start(): void {
    this.waiting++;
    if (this.watcher || !this.watchable) {
      return;
    }
    try {
      this.watcher = watch(this.dir, { persistent: false }, (_event, name) => {
        this.wake(name === null ? undefined : name.toString());
      });
      this.watcher.on('error', () => this.unwatchable());
    } catch {
      this.unwatchable();
    }
  }

  stop(): void {
    this.waiting--;
    if (this.waiting === 0) {
      this.watcher?.close();
      this.watcher = undefined;
    }
  }

  /**
   * Resolves on the next change of `path` (one of the watched files), or after `timeoutMs` (at most
   * 2 ms when nothing can be watched). Resolves with whether a change woke it.
   */
  sleep(path: string, timeoutMs: number): Promise<boolean> {
    const name = basename(path);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          this.sleepers.delete(wake);
          resolve(false);
        },
        this.watcher ? timeoutMs : Math.min(timeoutMs, 1 + Math.random()),
      );
      this.sleepers.set(wake, name);
    });
  }

  /** Wakes the sleepers on `name` (all of them when the platform does not say which file changed). */
  private wake(name: string | undefined): void {
    for (const [wake, on] of [...this.sleepers]) {
      if (name === undefined || name === on) {
        wake();
      }
    }
  }

  private unwatchable(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.watchable = false;
  }
}
