/**
 * Who holds a budget reservation, and whether that process still runs: the ledger settles a reservation
 * whose process is gone (killed, crashed) at its worst case (see `ledger.ts`).
 */
import { hostname } from 'node:os';
import type { ReserveEntry } from './ledgerEntry';

export interface ReservationOwner {
  pid: number;
  host: string;
  /** Unique per ledger instance, so a pid reused after a crash is not mistaken for the old owner. */
  instance: string;
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

/** Decides which open reservations of other processes are orphans. */
export class OrphanCheck {
  private readonly aliveCache = new Map<number, { alive: boolean; checkedAt: number }>();

  constructor(
    private readonly owner: ReservationOwner,
    private readonly options: { isAlive: (pid: number) => boolean; maxAgeMs: number; now: () => Date },
  ) {}

  /** Whether `reservation` belongs to a process that is gone, or is older than any call can last. */
  isOrphan(reservation: ReserveEntry): boolean {
    if (reservation.instance === this.owner.instance) {
      return false; // Ours: settled by our own settle(), or swept by age by another process.
    }
    if (this.options.now().getTime() - reservation.at > this.options.maxAgeMs) {
      return true; // Even if its pid runs: the pid may have been reused.
    }
    return reservation.host === this.owner.host && !this.pidAlive(reservation.pid);
  }

  /** Liveness per pid, cached for 500 ms: a reserve under load must not signal every pid every time. */
  private pidAlive(pid: number): boolean {
    const now = Date.now();
    const cached = this.aliveCache.get(pid);
    if (cached && now - cached.checkedAt < 500) {
      return cached.alive;
    }
    const alive = this.options.isAlive(pid);
    this.aliveCache.set(pid, { alive, checkedAt: now });
    return alive;
  }
}
