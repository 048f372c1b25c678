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
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

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
}

export class FileLock {
  private readonly staleMs: number;
  private readonly timeoutMs: number;

  constructor(
    readonly path: string,
    private readonly owner: LockOwner,
    private readonly options: FileLockOptions,
  ) {
    this.staleMs = options.staleMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Runs `critical` while holding the lock. `critical` is synchronous on purpose (see the file comment). */
  async withLock<T>(critical: () => T): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; !this.tryAcquire(); attempt++) {
      if (Date.now() - started > this.timeoutMs) {
        throw new Error(
          `Tollgate could not lock its budget ledger (${this.path} is held by ${this.describeHolder()}) for ` +
            `${Math.round(this.timeoutMs / 1000)} s. If no Tollgate server is running, delete that file.`,
        );
      }
      if (attempt % 16 === 15) {
        this.breakIfStale();
      }
      // A holder keeps the lock for microseconds: yield to the event loop first, then back off to 1-2 ms.
      await new Promise<void>((resolve) => (attempt < 4 ? setImmediate(resolve) : setTimeout(resolve, 1 + (attempt % 2))));
    }
    try {
      return critical();
    } finally {
      // Only a holder stalled past `staleMs` (a debugger pause) can find its lock already broken.
      try {
        unlinkSync(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw error;
        }
      }
    }
  }

  private tryAcquire(): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        return false;
      }
      throw error;
    }
    try {
      writeSync(fd, `${this.owner.pid} ${this.owner.host} ${this.owner.instance} ${Date.now()}`);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  private breakIfStale(): void {
    const seen = readQuietly(this.path);
    if (seen === undefined || !this.isStale(seen)) {
      return;
    }
    const aside = `${this.path}.stale-${this.owner.instance}`;
    try {
      renameSync(this.path, aside);
    } catch {
      return; // Someone else broke or released it first.
    }
    if (readQuietly(aside) !== seen) {
      // We moved a fresh lock taken after we looked: put it back, unless yet another one exists now.
      try {
        linkSync(aside, this.path);
      } catch {
        // EEXIST: a third process took the lock in between. Two holders are possible only in this
        // three-way race with a dead holder; the journal's reader tolerates it (see ledger.ts).
      }
    }
    try {
      unlinkSync(aside);
    } catch {
      // Already gone.
    }
  }

  private isStale(content: string): boolean {
    const [pid, host, , time] = content.split(' ');
    if (time === undefined) {
      // Created but not written yet — or its holder was killed in between: only its age can tell.
      const age = ageOf(this.path);
      return age !== undefined && age > this.staleMs;
    }
    if (Date.now() - Number(time) > this.staleMs) {
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
