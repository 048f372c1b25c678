/**
 * The budget journal folded into memory: open reservations, recent settled calls, raises and spend per day
 * and model. Entries are applied one at a time in journal order, so the `Ledger` can fold a growing file
 * incrementally and never re-reads what it has applied. Pure: no files, no clock.
 *
 * The fold decides admission. A reservation line is admitted iff, with every line before it applied, its
 * day's settled spend + open reservations + its own amount fit in the budget it states plus the day's
 * raises. Every process folds the same prefix to the same answer, whatever its own settings or clock, so
 * the journal's order alone decides who got the last of the budget. A refused reservation is remembered
 * only to tell its writer; a `settle` line for it, or for a reservation settled already, is ignored:
 * the first settlement of an admitted reservation wins.
 *
 * Bounded memory. Admission needs only per-day totals and the open reservations, so settled calls are kept
 * one by one only for the open days: the newest day of any line folded so far and the `openDays - 1`
 * before it (three days cover every pair of time zones, at most 26 hours apart). When a line of a newer day
 * is folded, older days close: their settled and refused ids are dropped and only their totals per model
 * stay (a few dozen bytes per day). Dropping them changes no answer because of one more rule: a `settle`
 * line of a closed day counts only if its reservation is still open. Such a line is either a late or
 * repeated settlement (its reservation open: the first wins; settled or refused already: ignored, as it
 * always was) or a settlement whose reservation line was lost to damage more than `openDays` days before
 * the newest line — the one case counted before and not now, on a day no reservation is admitted against
 * any more. The newest day is a fact of the journal, not of the reader's clock, so every process closes
 * days at the same line and folds the same lines to the same answer.
 */
import type { LedgerEntry, ReserveEntry, SettleEntry } from './ledgerEntry';
import { calendarDayBefore, localDayBefore } from './ledgerEntry';
import { roundUsd } from './prices';

export interface ModelSpend {
  model: string;
  spentUsd: number;
  calls: number;
}

export interface DayStatus {
  day: string;
  spentUsd: number;
  reservedUsd: number;
  /** The setting plus today's raises. */
  budgetUsd: number;
  raisedUsd: number;
  remainingUsd: number;
  /** Calls holding a reservation today, in every process. */
  pendingCalls: number;
  /** Today's models by spend, most first. */
  topModels: ModelSpend[];
}

/** Money compares with a billionth of slack: sums of rounded amounts may differ in the last bit. */
const epsilon = 1e-9;

/** Whether `usd` more fits in a day with these figures. */
export function fits(status: DayStatus, usd: number): boolean {
  return status.spentUsd + status.reservedUsd + usd <= status.budgetUsd + epsilon;
}

/** Days kept call by call: the newest day folded and the two before it (see the file comment). */
export const openDays = 3;

/** What became of a line a writer waits for (`LedgerState.await`). */
export interface Awaited {
  /** Set when the reservation line is folded. */
  admitted?: boolean;
  /** Set when the reservation's first settlement is folded: the USD it recorded. */
  settledUsd?: number;
}

/** The fold's whole state, for a checkpoint (`ledgerCheckpoint.ts`); maps as entry lists, in insertion order. */
export interface StateSnapshot {
  newestDay: string;
  openFrom: string;
  pending: ReserveEntry[];
  settled: SettleEntry[];
  refused: [string, string][];
  raised: [string, number][];
  spendByDay: [string, ModelSpend[]][];
}

export class LedgerState {
  /** Admitted reservations not settled yet, by id. */
  readonly pending = new Map<string, ReserveEntry>();
  /** The first settlement of each admitted reservation of an open day (or settled since the last day closed), by id. */
  readonly settled = new Map<string, SettleEntry>();
  /** Ids of reservations of open days the budget could not take when their line was written, with their day. */
  readonly refused = new Map<string, string>();
  private readonly raised = new Map<string, number>();
  private readonly spendByDay = new Map<string, Map<string, ModelSpend>>();
  /** Ids whose writer waits to learn what became of them: told even if their day closes in the same read. */
  private readonly awaited = new Map<string, Awaited>();
  /** The newest day of any line folded, and the first day still open (`openDays` before it). */
  private newestDay = '';
  private openFrom = '';

  /**
   * @param onSettled called with each settlement that counts, in journal order (the CSV export folds the
   *   whole journal again with one to list every call without keeping them).
   */
  constructor(private readonly onSettled?: (entry: SettleEntry) => void) {}

  apply(entry: LedgerEntry): void {
    if (entry.day > this.newestDay) {
      this.advance(entry.day);
    }
    switch (entry.t) {
      case 'reserve': {
        if (this.pending.has(entry.id) || this.settled.has(entry.id) || this.refused.has(entry.id)) {
          return; // A copied line: its id was decided already.
        }
        const admitted = entry.budgetUsd === undefined || fits(this.status(entry.day, entry.budgetUsd), entry.usd);
        if (admitted) {
          this.pending.set(entry.id, entry);
        } else if (entry.day >= this.openFrom) {
          this.refused.set(entry.id, entry.day);
        }
        const waiting = this.awaited.get(entry.id);
        if (waiting && waiting.admitted === undefined) {
          waiting.admitted = admitted;
        }
        return;
      }
      case 'settle': {
        if (this.settled.has(entry.id) || this.refused.has(entry.id)) {
          // The first settlement wins (a second would count the money twice); a refused call never ran.
          // A settlement whose reservation line was lost to damage still counts: the money was spent.
          return;
        }
        if (entry.day < this.openFrom && !this.pending.has(entry.id)) {
          return; // A closed day's id that is not open was settled or refused already (file comment).
        }
        // Kept even on a closed day (a late settlement) until the next day closes, so its stalled writer,
        // or the one whose settlement came second, can still read what was recorded.
        this.settled.set(entry.id, entry);
        this.pending.delete(entry.id);
        const models = this.spendByDay.get(entry.day) ?? new Map<string, ModelSpend>();
        this.spendByDay.set(entry.day, models);
        const model = models.get(entry.model) ?? { model: entry.model, spentUsd: 0, calls: 0 };
        models.set(entry.model, { model: entry.model, spentUsd: model.spentUsd + entry.usd, calls: model.calls + 1 });
        const waiting = this.awaited.get(entry.id);
        if (waiting) {
          waiting.settledUsd = entry.usd;
        }
        this.onSettled?.(entry);
        return;
      }
      case 'raise':
        this.raised.set(entry.day, roundUsd((this.raised.get(entry.day) ?? 0) + entry.usd));
        return;
    }
  }

  /** Starts recording what becomes of `id` (see `Awaited`), or returns what was recorded so far; `forget` stops it. */
  await(id: string): Awaited {
    const waiting = this.awaited.get(id) ?? {};
    this.awaited.set(id, waiting);
    return waiting;
  }

  forget(id: string): void {
    this.awaited.delete(id);
  }

  /** Forgets everything, to fold a replaced journal from its start. */
  clear(): void {
    this.pending.clear();
    this.settled.clear();
    this.refused.clear();
    this.raised.clear();
    this.spendByDay.clear();
    this.newestDay = '';
    this.openFrom = '';
  }

  /** The whole state, to be restored by `restore` in a fresh `LedgerState`. */
  snapshot(): StateSnapshot {
    return {
      newestDay: this.newestDay,
      openFrom: this.openFrom,
      pending: [...this.pending.values()],
      settled: [...this.settled.values()],
      refused: [...this.refused.entries()],
      raised: [...this.raised.entries()],
      spendByDay: [...this.spendByDay.entries()].map(([day, models]) => [day, [...models.values()]]),
    };
  }

  /** Replaces the state with `snapshot` (taken by `snapshot()` of a fold of the same journal). */
  restore(snapshot: StateSnapshot): void {
    this.clear();
    this.newestDay = snapshot.newestDay;
    this.openFrom = snapshot.openFrom;
    for (const entry of snapshot.pending) {
      this.pending.set(entry.id, entry);
    }
    for (const entry of snapshot.settled) {
      this.settled.set(entry.id, entry);
    }
    for (const [id, day] of snapshot.refused) {
      this.refused.set(id, day);
    }
    for (const [day, usd] of snapshot.raised) {
      this.raised.set(day, usd);
    }
    for (const [day, models] of snapshot.spendByDay) {
      this.spendByDay.set(day, new Map(models.map((m) => [m.model, { ...m }])));
    }
  }

  /** `day` becomes the newest day: days more than `openDays - 1` before it close. */
  private advance(day: string): void {
    this.newestDay = day;
    const openFrom = calendarDayBefore(day, openDays - 1);
    if (openFrom <= this.openFrom) {
      return;
    }
    this.openFrom = openFrom;
    for (const [id, entry] of this.settled) {
      if (entry.day < openFrom) {
        this.settled.delete(id);
      }
    }
    for (const [id, refusedDay] of this.refused) {
      if (refusedDay < openFrom) {
        this.refused.delete(id);
      }
    }
  }

  /** `day`'s figures against `budgetUsd` (the setting; the day's raises are added). */
  status(day: string, budgetUsd: number): DayStatus {
    let reservedUsd = 0;
    let pendingCalls = 0;
    for (const reservation of this.pending.values()) {
      if (reservation.day === day) {
        reservedUsd += reservation.usd;
        pendingCalls++;
      }
    }
    const models = [...(this.spendByDay.get(day)?.values() ?? [])].sort((a, b) => b.spentUsd - a.spentUsd);
    const spentUsd = roundUsd(models.reduce((sum, m) => sum + m.spentUsd, 0));
    const raisedUsd = this.raised.get(day) ?? 0;
    const total = roundUsd(budgetUsd + raisedUsd);
    reservedUsd = roundUsd(reservedUsd);
    return {
      day,
      spentUsd,
      reservedUsd,
      budgetUsd: total,
      raisedUsd,
      remainingUsd: Math.max(0, roundUsd(total - spentUsd - reservedUsd)),
      pendingCalls,
      topModels: models.map((m) => ({ ...m, spentUsd: roundUsd(m.spentUsd) })),
    };
  }

  /** The `days` local days up to `today`, newest first, with spend per model. */
  history(today: Date, days: number): { day: string; spentUsd: number; models: ModelSpend[] }[] {
    return Array.from({ length: days }, (_, i) => {
      const day = localDayBefore(today, i);
      const models = [...(this.spendByDay.get(day)?.values() ?? [])].map((m) => ({ ...m, spentUsd: roundUsd(m.spentUsd) }));
      return { day, spentUsd: roundUsd(models.reduce((sum, m) => sum + m.spentUsd, 0)), models };
    });
  }

  /** Settled calls of `day`, oldest first, and the reservations still open on it. */
  callsOn(day: string): { settled: SettleEntry[]; pending: ReserveEntry[] } {
    return {
      settled: [...this.settled.values()].filter((s) => s.day === day).sort((a, b) => a.at - b.at),
      pending: [...this.pending.values()].filter((r) => r.day === day),
    };
  }
}
