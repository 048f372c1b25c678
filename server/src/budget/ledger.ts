/**
 * The budget ledger: one append-only journal per machine (`<storage>/budget/ledger.jsonl`), shared by
 * every VS Code window and standalone server that uses the same storage dir.
 *
 * - Every write happens under a cross-process file lock (`fileLock.ts`), inside one synchronous critical
 *   section: catch up on lines other processes appended, check, append one line. Nothing is ever
 *   rewritten, so a write costs a few syscalls whatever the history's length, and a crash can at worst
 *   leave one unfinished last line.
 * - Each process folds the journal into memory incrementally (it remembers its byte offset), so reading
 *   today's status costs nothing; a cheap poll (`watch`) picks up other processes' changes.
 * - Crash safety: a reservation carries its owner's pid, host and instance id. When that process is gone
 *   (or the reservation is older than any call can last) the next process to take the lock — at the
 *   latest a server starting up — settles it at its worst case, marked `orphaned` and `estimated`: the
 *   provider may have billed all of it and nobody can know less. A reservation is settled once: the first
 *   `settle` line for an id wins and later ones are ignored, so nothing is counted twice.
 * - Durability: `reserve` resolves only after its line is written (`write(2)`, in the lock), so it is
 *   in the kernel's cache — seen by every process and kept if ours is killed — before the provider call
 *   starts. Lines are not fsynced: an fsync costs ~0.6 ms on this machine's disk, ten times the whole
 *   critical section, and would be paid by every waiting process. After a power loss or kernel crash the
 *   last few seconds of lines may therefore be missing (a torn one is skipped as damage below); calls in
 *   flight at that moment can be under-counted. Syncing only reserve lines, after the lock is released,
 *   would close that gap at the caller's own cost if ever needed.
 * - Damage (a torn last line, a garbled line) is skipped and reported; every good entry is kept, and the
 *   damaged bytes stay in the file for inspection. The ledger is never reset.
 * - Days are local calendar days (`now` is injectable); the whole history is kept (≥ 90 days).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FileLock, processIsAlive, thisHost, type LockOwner } from './fileLock';
import { localDay, parseEntry, type LedgerEntry, type ReserveEntry, type SettleEntry, type SettleOutcome } from './ledgerEntry';
import { type DayStatus, LedgerState, type ModelSpend } from './ledgerState';
import { roundUsd } from './prices';
import type { Usage } from '../protocol';

export interface LedgerOptions {
  storageDir: string;
  /** The clock; days are taken from it in local time. */
  now?: () => Date;
  isAlive?: (pid: number) => boolean;
  /** A reservation older than this is settled as orphaned even if its process still runs (pid reuse). */
  maxReservationAgeMs?: number;
}

export type { DayStatus, ModelSpend } from './ledgerState';

export interface Damage {
  /** Byte offset of the damaged line in the journal. */
  offset: number;
  length: number;
}

export type ReserveResult = { ok: true; id: string; status: DayStatus } | { ok: false; status: DayStatus };

export interface Settlement {
  usd: number;
  usage?: Usage;
  estimated: boolean;
  outcome: Exclude<SettleOutcome, 'orphaned'>;
}

/** Money compares with a billionth of slack: sums of rounded amounts may differ in the last bit. */
const epsilon = 1e-9;

export class Ledger {
  readonly path: string;
  private readonly lock: FileLock;
  private readonly owner: LockOwner;
  private readonly now: () => Date;
  private readonly isAlive: (pid: number) => boolean;
  private readonly maxReservationAgeMs: number;
  private fd: number;
  private ino = -1;
  private offset = 0;
  /** Bytes after the last newline: a line being written, or a torn one left by a crash. */
  private tornTail = false;
  private readonly state = new LedgerState();
  private aliveCache = new Map<number, { alive: boolean; checkedAt: number }>();
  private changeListeners: (() => void)[] = [];
  private damageListeners: ((damage: Damage[]) => void)[] = [];
  private poll: NodeJS.Timeout | undefined;
  readonly damage: Damage[] = [];

  private constructor(options: LedgerOptions) {
    const dir = join(options.storageDir, 'budget');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'ledger.jsonl');
    this.now = options.now ?? (() => new Date());
    this.isAlive = options.isAlive ?? processIsAlive;
    this.maxReservationAgeMs = options.maxReservationAgeMs ?? 2 * 60 * 60 * 1000;
    this.owner = { pid: process.pid, host: thisHost(), instance: randomUUID() };
    this.lock = new FileLock(`${this.path}.lock`, this.owner, { isAlive: this.isAlive });
    this.fd = openSync(this.path, 'a+');
  }

  /** Opens (or creates) the ledger and settles reservations left by processes that are gone. */
  static async open(options: LedgerOptions): Promise<Ledger> {
    const ledger = new Ledger(options);
    // Fold the history before taking the lock (complete lines need none): a long history must not hold
    // every other process's reservations up while it is parsed.
    ledger.catchUp();
    await ledger.lock.withLock(() => {
      ledger.catchUp();
      ledger.settleOrphans();
    });
    return ledger;
  }

  /** Reserves `usd` against today's budget, unless spent + reserved + `usd` would pass `budgetUsd` (+ raises). */
  async reserve(request: { provider: string; model: string; usd: number; budgetUsd: number }): Promise<ReserveResult> {
    const result = await this.lock.withLock((): ReserveResult => {
      this.catchUp();
      this.settleOrphans();
      const status = this.status(request.budgetUsd);
      if (status.spentUsd + status.reservedUsd + request.usd > status.budgetUsd + epsilon) {
        return { ok: false, status };
      }
      const id = randomUUID();
      this.append({
        t: 'reserve',
        id,
        day: status.day,
        at: this.now().getTime(),
        provider: request.provider,
        model: request.model,
        usd: roundUsd(request.usd),
        pid: this.owner.pid,
        host: this.owner.host,
        instance: this.owner.instance,
      });
      return { ok: true, id, status: this.status(request.budgetUsd) };
    });
    this.emitChange();
    return result;
  }

  /** Replaces reservation `id` with what it cost; resolves with the USD recorded for it. */
  async settle(id: string, settlement: Settlement): Promise<number> {
    const recorded = await this.lock.withLock(() => {
      this.catchUp();
      const reservation = this.state.pending.get(id);
      if (!reservation) {
        // Already settled (as orphaned, if this process stalled past the maximum age): never twice.
        return this.state.settled.get(id)?.usd ?? 0;
      }
      const usd = roundUsd(settlement.usd);
      this.append({
        t: 'settle',
        id,
        day: reservation.day,
        at: this.now().getTime(),
        provider: reservation.provider,
        model: reservation.model,
        usd,
        ...(settlement.usage ? { usage: settlement.usage } : {}),
        estimated: settlement.estimated,
        outcome: settlement.outcome,
      });
      return usd;
    });
    this.emitChange();
    return recorded;
  }

  /** Adds `usd` to today's budget only. */
  async raiseToday(usd: number): Promise<void> {
    await this.lock.withLock(() => {
      this.catchUp();
      this.append({ t: 'raise', day: localDay(this.now()), at: this.now().getTime(), usd: roundUsd(usd) });
    });
    this.emitChange();
  }

  /** Today's figures against `budgetUsd` (the setting; today's raises are added). */
  status(budgetUsd: number): DayStatus {
    return this.state.status(localDay(this.now()), budgetUsd);
  }

  /** The last `days` local days, newest first, with spend per model. */
  history(days: number): { day: string; spentUsd: number; models: ModelSpend[] }[] {
    return this.state.history(this.now(), days);
  }

  /** Settled calls of `day`, oldest first, and the reservations still open on it. */
  callsOn(day: string): { settled: SettleEntry[]; pending: ReserveEntry[] } {
    return this.state.callsOn(day);
  }

  /** Every settled call, oldest first. */
  settledCalls(): SettleEntry[] {
    return this.state.settledCalls();
  }

  /** Reads what other processes appended (no lock needed: only complete lines are applied). */
  refresh(): boolean {
    return this.catchUp();
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** Called with the new damage each time damaged lines are found. */
  onDamage(listener: (damage: Damage[]) => void): void {
    this.damageListeners.push(listener);
  }

  /**
   * Polls the journal for other processes' appends every `intervalMs` (a stat and, when it grew, a read
   * of the new bytes), and settles reservations whose process is gone.
   */
  watch(intervalMs = 1000): void {
    this.poll ??= setInterval(() => {
      let changed = this.catchUp();
      if ([...this.state.pending.values()].some((r) => this.isOrphan(r))) {
        const sweep = () => {
          this.catchUp();
          this.settleOrphans();
        };
        void this.lock.withLock(sweep).then(() => this.emitChange(), () => undefined);
        changed = false; // emitted once the sweep is written
      }
      if (changed) {
        this.emitChange();
      }
    }, intervalMs);
    this.poll.unref();
  }

  close(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    closeSync(this.fd);
  }

  /** Reads what other processes appended since the last call. Returns whether anything was applied. */
  private catchUp(): boolean {
    let size: number;
    let ino: number;
    try {
      ({ size, ino } = statSync(this.path));
    } catch {
      // Deleted by hand: start a new file (the next append writes it).
      ({ size, ino } = this.reopen());
    }
    if (ino !== this.ino || size < this.offset) {
      // Replaced or cut short by hand: fold it again from the start.
      if (this.ino !== -1 && ino === this.ino) {
        this.reportDamage([{ offset: size, length: this.offset - size }]);
      }
      ({ size, ino } = this.reopen());
      this.ino = ino;
      this.offset = 0;
      this.state.clear();
    }
    if (size === this.offset) {
      return false;
    }
    const buffer = Buffer.alloc(size - this.offset);
    const read = readSync(this.fd, buffer, 0, buffer.length, this.offset);
    const damage: Damage[] = [];
    let start = 0;
    for (let end = buffer.indexOf(10, 0); end !== -1 && end < read; end = buffer.indexOf(10, start)) {
      if (end > start) {
        const entry = parseEntry(buffer.toString('utf8', start, end));
        if (entry) {
          this.state.apply(entry);
        } else {
          damage.push({ offset: this.offset + start, length: end - start });
        }
      }
      start = end + 1;
    }
    this.offset += start;
    this.tornTail = start < read;
    if (damage.length > 0) {
      this.reportDamage(damage);
    }
    return start > 0;
  }

  private reopen(): { size: number; ino: number } {
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a+');
    const { size, ino } = fstatSync(this.fd);
    return { size, ino };
  }

  /** Appends one entry (under the lock) and folds it in. A torn last line is closed off first. */
  private append(entry: LedgerEntry): void {
    const line = Buffer.from(`${this.tornTail ? '\n' : ''}${JSON.stringify(entry)}\n`);
    const written = writeSync(this.fd, line);
    if (this.tornTail || written !== line.length) {
      this.catchUp(); // Parse the closed-off torn line (reported as damage) and ours from the file.
      return;
    }
    // We hold the lock and had caught up, so the file ended where our line starts: fold it in directly.
    this.offset += written;
    this.state.apply(entry);
  }

  /** Under the lock: settles every reservation whose process is gone at its worst case. */
  private settleOrphans(): void {
    for (const reservation of [...this.state.pending.values()]) {
      if (this.isOrphan(reservation)) {
        this.append({
          t: 'settle',
          id: reservation.id,
          day: reservation.day,
          at: this.now().getTime(),
          provider: reservation.provider,
          model: reservation.model,
          usd: reservation.usd,
          estimated: true,
          outcome: 'orphaned',
        });
      }
    }
  }

  private isOrphan(reservation: ReserveEntry): boolean {
    if (reservation.instance === this.owner.instance) {
      return false; // Ours: settled by our own settle(), or swept by age by another process.
    }
    if (this.now().getTime() - reservation.at > this.maxReservationAgeMs) {
      return true;
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
    const alive = this.isAlive(pid);
    this.aliveCache.set(pid, { alive, checkedAt: now });
    return alive;
  }

  private reportDamage(damage: Damage[]): void {
    this.damage.push(...damage);
    for (const listener of this.damageListeners) {
      listener(damage);
    }
  }

  private emitChange(): void {
    for (const listener of this.changeListeners) {
      listener();
    }
  }
}
