/**
 * Wakes a waiter of a `FileLock` when the lock file (or the claim on the next turn) it waits on goes
 * away, instead of letting it sleep through a poll interval: a holder keeps the lock for tens of
 * microseconds, so a waiter that sleeps 1–2 ms between tries loses nearly every race to a process that
 * is already running.
 *
 * It watches that one file (`fs.watch`), not the folder, so the journal growing next to it wakes nobody.
 * Events are a hint, never a guarantee (a network drive may send none): the wait also ends after a
 * timeout, and when nothing can be watched it polls as often as the lock always did.
 */
import { watch } from 'node:fs';

let watchable = true;

/**
 * Resolves with true when `path` changes or is gone (at once if it is gone already), or with false after
 * `timeoutMs` (at most 2 ms when files cannot be watched here).
 */
export function untilChanged(path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settle = (changed: boolean) => {
      settle = () => undefined;
      clearTimeout(timer);
      watcher?.close();
      resolve(changed);
    };
    let watcher: ReturnType<typeof watch> | undefined;
    const timer = setTimeout(() => settle(false), watchable ? timeoutMs : Math.min(timeoutMs, 1 + Math.random()));
    if (!watchable) {
      return;
    }
    try {
      watcher = watch(path, { persistent: false }, () => settle(true));
      watcher.on('error', () => settle(true));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        settle(true); // Released already: try again now.
      } else {
        watchable = false; // No watching on this system (e.g. out of inotify watches): poll.
      }
    }
  });
}
