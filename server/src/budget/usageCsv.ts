/** The ledger's settled calls as CSV (RFC 4180), for "Export Usage as CSV" and `tollgate/exportUsage`. */
import { readJournal } from './journalFile';
import type { SettleEntry } from './ledgerEntry';
import { LedgerState } from './ledgerState';

/** Every settled call in the journal at `journalPath`, oldest first (see `settledInOrder`). */
export async function readSettledCalls(journalPath: string): Promise<SettleEntry[]> {
  return settledInOrder(journalPath, (call) => call);
}

/** Every settled call in the journal at `journalPath` as CSV, oldest first, and how many there are. */
export async function exportUsageCsv(journalPath: string): Promise<{ csv: string; rows: number }> {
  // Each call is kept as its CSV row only: a fraction of the memory of the parsed entry.
  const rows = await settledInOrder(journalPath, usageCsvRow);
  return { csv: withHeader(rows), rows: rows.length };
}

/**
 * `keep(call)` for every settled call in the journal, ordered by the time it was settled (calls settled in
 * the same millisecond in journal order). The ledger's memory keeps only the open days' calls, so this
 * folds the whole journal again, asynchronously (`readJournal`), in a state of its own: the same fold, so
 * the same calls count (the first settlement of each admitted reservation).
 */
async function settledInOrder<T>(journalPath: string, keep: (call: SettleEntry) => T): Promise<T[]> {
  const kept: { at: number; value: T }[] = [];
  const state = new LedgerState((call) => kept.push({ at: call.at, value: keep(call) }));
  await readJournal(journalPath, (entry) => state.apply(entry));
  return kept.sort((a, b) => a.at - b.at).map((call) => call.value); // A stable sort.
}

export const usageCsvHeader =
  'time,day,provider,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,estimated,outcome';

function withHeader(rows: readonly string[]): string {
  return [usageCsvHeader, ...rows].join('\r\n') + '\r\n';
}

/** One settled call as a CSV row (without its line ending). */
export function usageCsvRow(s: SettleEntry): string {
  return [
    new Date(s.at).toISOString(),
    s.day,
    s.provider,
    s.model,
    s.usage?.inputTokens ?? '',
    s.usage?.outputTokens ?? '',
    s.usage?.cacheReadTokens ?? '',
    s.usage?.cacheWriteTokens ?? '',
    s.usd.toFixed(9).replace(/0+$/, '').replace(/\.$/, ''),
    s.estimated,
    s.outcome,
  ]
    .map(csvField)
    .join(',');
}

function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
