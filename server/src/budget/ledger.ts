/**
 * The budget ledger: one append-only journal per machine (`<storage>/budget/ledger.jsonl`), shared by
 * every VS Code window and standalone server that uses the same storage dir. It takes no lock.
 *
 * - Admission by the journal's order. A reservation is one `write(2)` of one whole line to the journal
 *   opened with O_APPEND. It states its day, amount and the writer's budget setting; it is admitted iff,
 *   with every line before it folded, the day's settled spend + open reservations + it fit in that budget
 *   plus the day's raises (`ledgerState.ts`). Every process folds the same lines in the same order to the
 *   same answer, so no two processes can both take the last of the budget: the later line is refused.
 *   After its write the writer folds the journal up to its own line (it knows the id) and so learns
 *   whether it was admitted. A refused line stays as a harmless fact; right after it the writer appends a
 *   `settle` at 0 for it, which the fold ignores but which closes it for Tollgate versions that counted
 *   every reservation line as open. A reservation the in-memory view already refuses is not written.
 * - Settling, raising and sweeping orphans are plain appends too; each process folds the journal into
 *   memory incrementally (it remembers its byte offset), so reading today's status costs nothing and a
 *   cheap poll (`watch`) picks up other processes' lines.
 * - What we rely on: POSIX says that with O_APPEND no other change to the file comes between moving to
 *   its end and writing, so on a local file system (Linux, macOS) lines written at once by several
 *   processes never overlap, and one small line goes out in one `write(2)` (a short write only happens on
 *   a full disk, see torn lines). A reader may see the start of a line whose bytes are still being copied
 *   in: bytes after the last newline are never parsed, only read again on the next look. The writer
 *   looking for its own line waits (up to a second) for such a tail before it; on Linux (ext4, xfs,
 *   btrfs, tmpfs) it never has to, as a write holds the file's lock for its whole length. On network file
 *   systems (NFS, SMB) appends from different machines are not atomic: lines can overwrite or garble each
 *   other (garbled ones are reported as damage below), processes may then fold different journals and the
 *   budget can be exceeded. Keep the storage folder local (VS Code's global storage is).
 * - Crash safety: a reservation carries its owner's pid, host and instance id. When that process is gone
 *   (or the reservation is older than any call can last) any process that notices — at the latest a
 *   server starting up — settles it at its worst case, marked `orphaned` and `estimated`: the provider may
 *   have billed all of it and nobody can know less. An open reservation and an orphan settled at its worst
 *   case count the same, so when a process dies never changes an admission. Two processes may sweep the
 *   same orphan, and a stalled owner may settle late: the first `settle` line for an id wins and later
 *   ones are ignored, so nothing is counted twice.
 * - Durability: `reserve` resolves only after its line is written (`write(2)`) and read back, so it is in
 *   the kernel's cache — seen by every process and kept if ours is killed — before the provider call
 *   starts. Lines are not fsynced (~0.6 ms on this machine's disk). After a power loss or kernel crash the
 *   last few seconds of lines may be missing or torn; calls in flight at that moment can be under-counted.
 * - Torn lines (`journalFile.ts` reads and writes the lines): every write starts with a newline (readers
 *   skip empty lines), so a line torn by a crash or cut short by a full disk is ended by the next write
 *   instead of swallowing it. Damage (a torn line, a garbled line) is skipped and reported; every good entry
 *   is kept, and the damaged bytes stay in the file for inspection. The ledger is never reset.
 * - Older Tollgate versions admitted under a lock file (`ledger.jsonl.lock`) after reading every earlier
 *   line; their reservation lines (no budget stated) count as admitted. While an old and a new server
 *   share a ledger, the old one's lock does not hold the new one back, so their reservations racing for
 *   the last of the budget can both get through.
 * - Days are local calendar days (`now` is injectable); the whole history is kept in the journal.
 * - Bounded memory (`ledgerState.ts`): the fold keeps open reservations, the calls of the journal's three
 *   newest days (by the lines' days, not the reader's clock, so every process drops the same ids at the
 *   same line) and per-day totals per model. A `settle` of a closed day counts only if its reservation is
 *   still open, which keeps "first settle wins" without remembering old ids. The CSV export
 *   (`usageCsv.ts`) folds the whole journal again in a state of its own instead of keeping
 *   every call, reading it asynchronously a piece at a time so that it blocks no other request.
 * - Opening reads little (`ledgerCheckpoint.ts`): every 256 KiB of journal folded (checked at open, on each
 *   poll and at close) a process writes the fold's state with the journal offset it stands for to
 *   `ledger.checkpoint.json` (a temporary file renamed over the last); opening restores it and folds only
 *   the lines after it. It is a cache of a fold every process agrees on, not a second record: the journal is
 *   never rotated, rewritten or locked, so the appends and their order above are untouched, and a
 *   checkpoint that does not match the journal (another inode, shorter, other bytes before its offset) or
 *   cannot be read is ignored and the journal folded from its start. The journal's size on disk still grows
 *   (~0.6 KB a call); rotating it safely without a lock is not done.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Damage, JournalFile } from './journalFile';
import { readCheckpoint, removeAbandoned, writeCheckpoint } from './ledgerCheckpoint';
import { localDay, type LedgerEntry, type ReserveEntry, type SettleEntry, type SettleOutcome } from './ledgerEntry';
import { type DayStatus, fits, LedgerState, type ModelSpend } from './ledgerState';
import { roundUsd } from './prices';
import { OrphanCheck, processIsAlive, thisHost, type ReservationOwner } from './processLiveness';
import type { Usage } from '../protocol';

export interface LedgerOptions {
  storageDir: string;
  /** The clock; days are taken from it in local time. */
  now?: () => Date;
  isAlive?: (pid: number) => boolean;
  /** A reservation older than this is settled as orphaned even if its process still runs (pid reuse). */
  maxReservationAgeMs?: number;
  /** A checkpoint is written once this many bytes of journal have been folded since the last (256 KiB). */
  checkpointEveryBytes?: number;
}

export type { DayStatus, ModelSpend } from './ledgerState';

export type { Damage } from './journalFile';

export type ReserveResult = { ok: true; id: string; status: DayStatus } | { ok: false; status: DayStatus };

export interface Settlement {
  usd: number;
  usage?: Usage;
  estimated: boolean;
  outcome: Exclude<SettleOutcome, 'orphaned'>;
}


/** How long a writer waits for a line still being copied in ahead of its own (see the file comment). */
const readBackTimeoutMs = 1_000;

export class Ledger {
  readonly path: string;
  private readonly owner: ReservationOwner;
  private readonly orphans: OrphanCheck;
  private readonly now: () => Date;
  private readonly journal: JournalFile;
  private readonly state = new LedgerState();
  private changeListeners: (() => void)[] = [];
  private damageListeners: ((damage: Damage[]) => void)[] = [];
  private poll: NodeJS.Timeout | undefined;
  private readonly isAlive: (pid: number) => boolean;
  private readonly checkpointEveryBytes: number;
  /** The journal offset the last checkpoint read or written was taken at. */
  private checkpointedAt = 0;
  /** Damage found in the journal file read now, for the checkpoint (`damage` keeps every report). */
  private fileDamage: Damage[] = [];
  readonly damage: Damage[] = [];

  private constructor(options: LedgerOptions) {
    const dir = join(options.storageDir, 'budget');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'ledger.jsonl');
    this.journal = new JournalFile(this.path, {
      entry: (entry) => this.state.apply(entry),
      damage: (damage) => {
        this.fileDamage.push(...damage);
        this.reportDamage(damage);
      },
      restart: () => {
        this.state.clear();
        this.fileDamage = [];
        this.checkpointedAt = 0;
      },
    });
    this.now = options.now ?? (() => new Date());
    this.isAlive = options.isAlive ?? processIsAlive;
    this.checkpointEveryBytes = options.checkpointEveryBytes ?? 256 * 1024;
    this.owner = { pid: process.pid, host: thisHost(), instance: randomUUID() };
    this.orphans = new OrphanCheck(this.owner, {
      isAlive: this.isAlive,
      maxAgeMs: options.maxReservationAgeMs ?? 2 * 60 * 60 * 1000,
      now: this.now,
    });
  }

  /**
   * Opens (or creates) the ledger — from its checkpoint when there is a usable one, folding only the lines
   * after it — and settles reservations left by processes that are gone.
   */
  static async open(options: LedgerOptions): Promise<Ledger> {
    const ledger = new Ledger(options);
    ledger.resumeFromCheckpoint();
    ledger.journal.catchUp();
    ledger.settleOrphans();
    ledger.checkpointIfDue();
    return Promise.resolve(ledger);
  }

  /**
   * Reserves `usd` against today's budget, unless spent + reserved + `usd` would pass `budgetUsd` (+ raises)
   * once every line before the reservation's own is counted.
   */
  async reserve(request: { provider: string; model: string; usd: number; budgetUsd: number }): Promise<ReserveResult> {
    this.journal.catchUp();
    this.settleOrphans();
    const usd = roundUsd(request.usd);
    const before = this.status(request.budgetUsd);
    if (!fits(before, usd)) {
      return { ok: false, status: before }; // Refused by the lines already read: no need to write one.
    }
    const entry: ReserveEntry = {
      t: 'reserve',
      id: randomUUID(),
      day: before.day,
      at: this.now().getTime(),
      provider: request.provider,
      model: request.model,
      usd,
      budgetUsd: request.budgetUsd,
      pid: this.owner.pid,
      host: this.owner.host,
      instance: this.owner.instance,
    };
    const { id } = entry;
    const waiting = this.state.await(id);
    try {
      await this.appendAndFold(entry, () => waiting.admitted !== undefined);
    } catch (error) {
      // Whatever became of our line, no call goes out for it: close it at 0 in case it is read later.
      this.state.forget(id);
      this.closeUnused(entry);
      throw error;
    } finally {
      this.emitChange();
    }
    // An admitted reservation stays awaited until `settle`, which so learns of a settlement that came first.
    if (!waiting.admitted) {
      // Another process's reservation came first and took what was left.
      this.state.forget(id);
      this.closeUnused(entry);
      return { ok: false, status: this.status(request.budgetUsd) };
    }
    return { ok: true, id, status: this.status(request.budgetUsd) };
  }

  /** Replaces reservation `id` with what it cost; resolves with the USD recorded for it. */
  async settle(id: string, settlement: Settlement): Promise<number> {
    this.journal.readNew(); // The file our reservation went to: a file replaced since then does not hold it.
    const reservation = this.state.pending.get(id);
    const waiting = this.state.await(id);
    if (reservation) {
      try {
        await this.appendAndFold(
          {
            t: 'settle',
            id,
            day: reservation.day,
            at: this.now().getTime(),
            provider: reservation.provider,
            model: reservation.model,
            usd: roundUsd(settlement.usd),
            ...(settlement.usage ? { usage: settlement.usage } : {}),
            estimated: settlement.estimated,
            outcome: settlement.outcome,
          },
          () => waiting.settledUsd !== undefined,
        );
      } finally {
        this.state.forget(id);
      }
      this.emitChange();
      // The first settlement wins: ours, or an orphan sweep's written after we looked.
      return waiting.settledUsd ?? 0;
    }
    // Settled before we looked: by an orphan sweep, if this process stalled past the maximum age.
    this.state.forget(id);
    return waiting.settledUsd ?? this.state.settled.get(id)?.usd ?? 0;
  }

  /** Adds `usd` to today's budget only. */
  async raiseToday(usd: number): Promise<void> {
    this.journal.append({ t: 'raise', day: localDay(this.now()), at: this.now().getTime(), usd: roundUsd(usd) });
    this.journal.catchUp();
    this.emitChange();
    return Promise.resolve();
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

  /** Complete journal lines this ledger has read since it was opened (not those its checkpoint stood for). */
  get linesRead(): number {
    return this.journal.linesRead;
  }

  /** Reads what other processes appended (complete lines only). Returns whether anything was applied. */
  refresh(): boolean {
    return this.journal.catchUp();
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
      try {
        const changed = this.journal.catchUp();
        if (this.settleOrphans() || changed) {
          this.emitChange();
        }
        this.checkpointIfDue();
      } catch {
        // The file cannot be read or written just now (a full disk): the next tick tries again, and a
        // reservation meanwhile fails with the reason.
      }
    }, intervalMs);
    this.poll.unref();
  }

  close(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    this.checkpointIfDue();
    this.journal.close();
  }

  /** Starts from the checkpoint if it was taken of the journal as it is now (`ledgerCheckpoint.ts`). */
  private resumeFromCheckpoint(): void {
    try {
      removeAbandoned(this.path, this.isAlive);
      const checkpoint = readCheckpoint(this.path);
      if (!checkpoint) {
        return;
      }
      this.state.restore(checkpoint.state);
      if (!this.journal.resume(checkpoint.ino, checkpoint.offset, checkpoint.fingerprint)) {
        this.state.clear(); // Not the journal it was taken of.
        return;
      }
      this.checkpointedAt = checkpoint.offset;
      this.fileDamage = [...checkpoint.damage];
      this.reportDamage(checkpoint.damage);
    } catch {
      // A checkpoint is only a shortcut: without it the journal is folded from its start.
      this.state.clear();
    }
  }

  /** Writes a checkpoint when enough of the journal was folded since the last one. */
  private checkpointIfDue(): void {
    const { ino, offset } = this.journal.position;
    if (offset - this.checkpointedAt < this.checkpointEveryBytes) {
      return;
    }
    try {
      const fingerprint = this.journal.fingerprint(offset);
      if (fingerprint !== undefined) {
        writeCheckpoint(this.path, { ino, offset, fingerprint }, this.fileDamage, this.state.snapshot());
        this.checkpointedAt = offset;
      }
    } catch {
      // A full or read-only disk: the journal is the record, so the next open folds more of it.
    }
  }

  /** Appends `entry` and folds the journal until `folded()` says the entry has been read back. */
  private async appendAndFold(entry: LedgerEntry, folded: () => boolean): Promise<void> {
    this.journal.append(entry);
    const started = performance.now();
    for (;;) {
      this.journal.readNew(); // From the file we wrote to, which the caller has just checked.
      if (folded()) {
        return;
      }
      if (!this.journal.partialTail || performance.now() - started > readBackTimeoutMs) {
        throw new Error(
          `Tollgate wrote an entry to its budget ledger ${this.path} but could not read it back: something else ` +
            'changed the file meanwhile (if it is on a network drive, move Tollgate\'s storage to a local disk).',
        );
      }
      await sleep(1); // A line before ours is still being copied in.
    }
  }

  /** Closes reservation `entry`, refused or never used, at 0, for readers that count every line as open. */
  private closeUnused(entry: ReserveEntry): void {
    try {
      this.journal.append({
        t: 'settle',
        id: entry.id,
        day: entry.day,
        at: this.now().getTime(),
        provider: entry.provider,
        model: entry.model,
        usd: 0,
        estimated: false,
        outcome: 'notSent',
      });
    } catch {
      // The reservation's own outcome is what the caller needs; this line is a courtesy to other readers.
    }
  }

  /** Settles every reservation whose process is gone at its worst case. Returns whether it wrote any. */
  private settleOrphans(): boolean {
    let wrote = false;
    for (const reservation of this.state.pending.values()) {
      if (this.orphans.isOrphan(reservation)) {
        this.journal.append({
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
        wrote = true;
      }
    }
    if (wrote) {
      this.journal.catchUp();
    }
    return wrote;
  }

  private reportDamage(damage: Damage[]): void {
    if (damage.length === 0) {
      return;
    }
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
