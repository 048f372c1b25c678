/**
 * The budget journal folded into memory: open reservations, settled calls, raises and spend per day and
 * model. Entries are applied one at a time in journal order, so the `Ledger` can fold a growing file
 * incrementally and never re-reads what it has applied. Pure: no files, no clock.
 *
 * The fold decides admission. A reservation line is admitted iff, with every line before it applied, its
 * day's settled spend + open reservations + its own amount fit in the budget it states plus the day's
 * raises. Every process folds the same prefix to the same answer, whatever its own settings or clock, so
 * the journal's order alone decides who got the last of the budget. A refused reservation is remembered
 * only to tell its writer; a `settle` line for it, or for a reservation settled already, is ignored:
 * the first settlement of an admitted reservation wins.
 */
import type { LedgerEntry, ReserveEntry, SettleEntry } from './ledgerEntry';
import { localDayBefore } from './ledgerEntry';
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

export class LedgerState {
  /** Admitted reservations not settled yet, by id. */
  readonly pending = new Map<string, ReserveEntry>();
  /** The first settlement of each admitted reservation, by id. */
  readonly settled = new Map<string, SettleEntry>();
  /** Ids of reservations the budget could not take when their line was written. */
  readonly refused = new Set<string>();
  private readonly raised = new Map<string, number>();
  private readonly spendByDay = new Map<string, Map<string, ModelSpend>>();

  apply(entry: LedgerEntry): void {
    switch (entry.t) {
      case 'reserve':
        if (this.pending.has(entry.id) || this.settled.has(entry.id) || this.refused.has(entry.id)) {
          return; // A copied line: its id was decided already.
        }
        if (entry.budgetUsd !== undefined && !fits(this.status(entry.day, entry.budgetUsd), entry.usd)) {
          this.refused.add(entry.id);
        } else {
          this.pending.set(entry.id, entry);
        }
        return;
      case 'settle': {
        if (this.settled.has(entry.id) || this.refused.has(entry.id)) {
          // The first settlement wins (a second would count the money twice); a refused call never ran.
          // A settlement whose reservation line was lost to damage still counts: the money was spent.
          return;
        }
        this.settled.set(entry.id, entry);
        this.pending.delete(entry.id);
        const models = this.spendByDay.get(entry.day) ?? new Map<string, ModelSpend>();
        this.spendByDay.set(entry.day, models);
        const model = models.get(entry.model) ?? { model: entry.model, spentUsd: 0, calls: 0 };
        models.set(entry.model, { model: entry.model, spentUsd: model.spentUsd + entry.usd, calls: model.calls + 1 });
        return;
      }
      case 'raise':
        this.raised.set(entry.day, roundUsd((this.raised.get(entry.day) ?? 0) + entry.usd));
        return;
    }
  }

  /** Forgets everything, to fold a replaced journal from its start. */
  clear(): void {
    this.pending.clear();
    this.settled.clear();
    this.refused.clear();
    this.raised.clear();
    this.spendByDay.clear();
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

  /** Every settled call, oldest first. */
  settledCalls(): SettleEntry[] {
    return [...this.settled.values()].sort((a, b) => a.at - b.at);
  }
}
