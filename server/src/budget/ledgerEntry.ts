/**
 * The lines of the budget journal (`<storage>/budget/ledger.jsonl`), one JSON object per line, and the
 * local calendar day they belong to. The journal is append-only: an entry is never changed, a
 * reservation is closed by a later `settle` line with the same id. Whether a reservation was admitted is
 * not written anywhere: it follows from the lines before it (`ledgerState.ts`).
 */
import * as z from '../validation';

const usd = z.number().check(z.gte(0));
const tokens = z.number().check(z.int(), z.gte(0));

const usageSchema = z.object({
  inputTokens: tokens,
  outputTokens: tokens,
  cacheReadTokens: z.optional(tokens),
  cacheWriteTokens: z.optional(tokens),
});

export const daySchema = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** A call's worst-case cost, held against its day's budget until it is settled. */
export const reserveSchema = z.object({
  t: z.literal('reserve'),
  id: z.string().check(z.minLength(1)),
  day: daySchema,
  /** Epoch ms. */
  at: z.number(),
  provider: z.string(),
  model: z.string(),
  usd,
  /**
   * The daily budget setting of the process that wrote it; the fold adds the day's raises. Absent in
   * lines written by Tollgate versions that admitted under a lock file before appending: those lines
   * were admitted.
   */
  budgetUsd: z.optional(usd),
  /** The process holding the reservation, to settle it when that process is gone. */
  pid: z.number().check(z.int()),
  host: z.string(),
  instance: z.string(),
});

/**
 * What a reservation cost. Outcomes: `ok` (the provider's usage), `failed` (an error or a stop: usage
 * if known, else an estimate), `notSent` (the provider never took the request — unreachable, or it answered with an HTTP error: 0), `orphaned` (its
 * process died: the reservation's worst case, since nobody knows how much of it was billed).
 */
export const settleSchema = z.object({
  t: z.literal('settle'),
  id: z.string().check(z.minLength(1)),
  day: daySchema,
  at: z.number(),
  provider: z.string(),
  model: z.string(),
  usd,
  usage: z.optional(usageSchema),
  estimated: z.boolean(),
  outcome: z.enum(['ok', 'failed', 'notSent', 'orphaned']),
});

/** More budget for one day only ("Raise today's budget"). */
const raiseSchema = z.object({ t: z.literal('raise'), day: daySchema, at: z.number(), usd });

const entrySchema = z.discriminatedUnion('t', [reserveSchema, settleSchema, raiseSchema]);

export type ReserveEntry = z.infer<typeof reserveSchema>;
export type SettleEntry = z.infer<typeof settleSchema>;
export type RaiseEntry = z.infer<typeof raiseSchema>;
export type LedgerEntry = z.infer<typeof entrySchema>;
export type SettleOutcome = SettleEntry['outcome'];

/** Parses one journal line; undefined when it is damaged (not JSON, or not a known entry). */
export function parseEntry(line: string): LedgerEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = entrySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** `YYYY-MM-DD` of `date` in the machine's local time zone: budgets run by the user's calendar. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local day `n` calendar days before `date` (DST-safe: steps by calendar date, not by 24 h). */
export function localDayBefore(date: Date, n: number): string {
  return localDay(new Date(date.getFullYear(), date.getMonth(), date.getDate() - n, 12));
}

/** The day `n` calendar days before `day` (`YYYY-MM-DD`), by the calendar alone: the same in every time zone. */
export function calendarDayBefore(day: string, n: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, date - n); // Unlike Date.UTC, keeps years 0–99 as they are.
  return at.toISOString().slice(0, 10);
}
