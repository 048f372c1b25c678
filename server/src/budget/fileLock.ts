/**
 * A cross-process lock on one file, in pure JS (native modules break inside VS Code's extension host).
 *
 * The lock is a file created with O_CREAT|O_EXCL (`wx`), which the OS creates for exactly one process.
 * It holds `pid host instance time`. Holders keep it only for a few synchronous file operations (the
 * callback of `withLock` may not await), so a lock can only go stale if its holder was killed within
 * those microseconds. A lock is stale when its pid is gone (same host) or it is older than `staleMs`;
 * it is broken by renaming it to a private name first, so two waiters cannot both break it and one of
 * them delete the other's fresh lock: the loser finds the renamed file is not the stale lock it saw,
 * and links it back.
 *
 * Fairness. A holder lets go and, when busy, asks again microseconds later, while waiters sleep between
 * tries: with free-for-all polling one waiter lost 50 races in a row (90 ms) to a lock held for 40 µs.
 * So a waiter that keeps finding the lock taken (for `claimAfterMs`) claims the next turn by creating
 * `<lock>.next` (O_EXCL again, same content). While a claim exists nobody but its claimant takes the lock, not even a process that
 * finds the lock free; the claimant watches the lock file (`lockWakeups.ts`) to take the lock as soon as
 * it is released, then deletes the claim, and the other waiters, watching the claim, race to claim the
 * next turn. A claim is broken like a lock
 * (its pid gone), and also once it is older than a turn can take (`claimStaleMs`). The claim only
 * orders turns: mutual exclusion still rests on the lock file alone, so an older Tollgate that ignores
 * claims is merely unfair.
 */
import { closeSync, existsSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { untilChanged } from './lockWakeups';

export interface LockOwner {
  pid: number;
  host: string;
  /** Unique per ledger instance, so a pid reused after a crash is not mistaken for the old owner. */
  instance: string;
}

export interface FileLockOptions {
  /** Whether a process of this host is running. */
  isAlive: (pid: number) => boolean;
  /** A lock older than this is stale even if its pid runs (the pid may have been reused). */
  staleMs?: number;
  /** Waiting longer than this fails the operation. */
  timeoutMs?: number;
  /** A waiter nobody wakes looks again after 1–2× this. */
  pollMs?: number;
  /**
   * A waiter claims the next turn once it has waited this long. Until then a running process may take
   * the lock again and again (it is cheaper than waking another process for each turn); after, turns
   * go round. This bounds the wait at about this plus one turn per process waiting. 5 ms by default: in
   * the benchmark (4 processes on 2 cores) 2 ms gave ~1,000–1,160 pairs/s and 5 ms ~1,230–1,670 with the
   * same p99 (25–31 ms either way, set by the OS pausing the lock holder), so the longer run wins.
   */
  claimAfterMs?: number;
}

/**
 * A claim is made to wait for one holder, who keeps the lock for microseconds: one this old belongs to a
 * process that stalled or died (its pid reused), and must not keep everyone else waiting for `staleMs`.
 */
const claimStaleMs = 2_000;

export class FileLock {
  private readonly staleMs: number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly claimAfterMs: number;
  /** `<lock>.next`: the waiter that lost a race for a free lock and goes next (see the file comment). */
  readonly claimPath: string;
  private calls = 0;

  constructor(
    readonly path: string,
    private readonly owner: LockOwner,
    private readonly options: FileLockOptions,
  ) {
    this.staleMs = options.staleMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pollMs = options.pollMs ?? 4;
    this.claimAfterMs = options.claimAfterMs ?? 5;
    this.claimPath = `${path}.next`;
  }

  /** Runs `critical` while holding the lock. `critical` is synchronous on purpose (see the file comment). */
  async withLock<T>(critical: () => T): Promise<T> {
    if (!existsSync(this.claimPath) && this.tryAcquire()) {
      return this.run(critical);
    }
    const started = performance.now();
    const token = `${this.owner.pid} ${this.owner.host} ${this.owner.instance}.${this.calls++}`;
    let claimed = false;
    try {
      for (;;) {
        const claim = readQuietly(this.claimPath);
        claimed &&= claim?.startsWith(`${token} `) === true; // A claim stalled past its age may be broken.
        if ((claim === undefined || claimed) && this.tryAcquire()) {
          break;
        }
        if (performance.now() - started > this.timeoutMs) {
          throw new Error(
            `Tollgate could not lock its budget ledger (${this.path} is held by ${this.describeHolder()}) for ` +
              `${Math.round(this.timeoutMs / 1000)} s. If no Tollgate server is running, delete that file.`,
          );
        }
        if (claim === undefined && performance.now() - started >= this.claimAfterMs) {
          // We keep losing the race for the lock: be next. While the claim exists, every other waiter —
          // and the holder's own next call — leaves the lock to us.
          claimed = this.tryCreate(this.claimPath, token);
        }
        // Sleep until the file we wait on goes: the lock when the next turn is ours or nobody claimed it,
        // else the claim (to race for the next one; everyone wakes on the same event, so no one is
        // favoured). Waking by timeout instead means its owner may be dead.
        const awaited = claimed || claim === undefined ? this.path : this.claimPath;
        if (!(await untilChanged(awaited, this.pollMs + Math.random() * this.pollMs))) {
          const content = readQuietly(awaited);
          if (content !== undefined) {
            this.breakIfStale(awaited, content);
          }
        }
      }
    } catch (error) {
      if (claimed) {
        unlinkQuietly(this.claimPath);
      }
      throw error;
    }
    if (claimed) {
      unlinkQuietly(this.claimPath);
    }
    return this.run(critical);
  }

  private run<T>(critical: () => T): T {
    try {
      return critical();
    } finally {
      // Only a holder stalled past `staleMs` (a debugger pause) can find its lock already broken.
      unlinkQuietly(this.path);
    }
  }

  private tryAcquire(): boolean {
    return this.tryCreate(this.path, `${this.owner.pid} ${this.owner.host} ${this.owner.instance}`);
  }

  /** Creates `path` holding `owner time`, unless it exists. */
  private tryCreate(path: string, owner: string): boolean {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        return false;
      }
      throw error;
    }
    try {
      writeSync(fd, `${owner} ${Date.now()}`);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  /** Removes `path` (the lock or the claim) if `seen`, its content, is stale and still there. */
  private breakIfStale(path: string, seen: string): void {
    if (!this.isStale(path, seen)) {
      return;
    }
    const aside = `${path}.stale-${this.owner.instance}`;
    try {
      renameSync(path, aside);
    } catch {
      return; // Someone else broke or released it first.
    }
    if (readQuietly(aside) !== seen) {
      // We moved a fresh lock taken after we looked: put it back, unless yet another one exists now.
      try {
        linkSync(aside, path);
      } catch {
        // EEXIST: a third process took the lock in between. Two holders are possible only in this
        // three-way race with a dead holder; the journal's reader tolerates it (see ledger.ts).
      }
    }
    unlinkQuietly(aside);
  }

  private isStale(path: string, content: string): boolean {
    const staleMs = path === this.claimPath ? claimStaleMs : this.staleMs;
    const [pid, host, , time] = content.split(' ');
    if (time === undefined) {
      // Created but not written yet — or its holder was killed in between: only its age can tell.
      const age = ageOf(path);
      return age !== undefined && age > staleMs;
    }
    if (Date.now() - Number(time) > staleMs) {
      return true;
    }
    return host === this.owner.host && !this.options.isAlive(Number(pid));
  }

  private describeHolder(): string {
    const [pid, host] = (readQuietly(this.path) ?? '').split(' ');
    return pid ? `process ${pid} on ${host ?? 'this machine'}` : 'another process';
  }
}

function readQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
}

function ageOf(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a running process on this machine (EPERM: it runs as another user). */
export function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function thisHost(): string {
  return hostname();
}
