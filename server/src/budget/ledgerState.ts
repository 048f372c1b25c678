/**
 * The budget journal folded into memory: open reservations, settled calls, raises and spend per day and
 * model. Entries are applied one at a time in journal order, so the `Ledger` can fold a growing file
 * incrementally and never re-reads what it has applied. Pure: no files, no clock.
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

export class LedgerState {
  /** Reservations not settled yet, by id. */
  readonly pending = new Map<string, ReserveEntry>();
  /** The first settlement of each reservation, by id. */
  readonly settled = new Map<string, SettleEntry>();
  private readonly raised = new Map<string, number>();
  private readonly spendByDay = new Map<string, Map<string, ModelSpend>>();

  apply(entry: LedgerEntry): void {
    switch (entry.t) {
      case 'reserve':
        if (!this.settled.has(entry.id)) {
          this.pending.set(entry.id, entry);
        }
        return;
      case 'settle': {
        if (this.settled.has(entry.id)) {
          return; // The first settlement wins; a second one would count the money twice.
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
