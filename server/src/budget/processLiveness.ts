/**
 * Who holds a budget reservation, and whether that process still runs: the ledger settles a reservation
 * whose process is gone (killed, crashed) at its worst case (see `ledger.ts`).
 */
import { hostname } from 'node:os';

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
