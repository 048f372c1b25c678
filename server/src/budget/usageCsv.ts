/** The ledger's settled calls as CSV (RFC 4180), for "Export Usage as CSV" and `tollgate/exportUsage`. */
import { JournalFile } from './journalFile';
import type { SettleEntry } from './ledgerEntry';
import { LedgerState } from './ledgerState';

/**
 * Every settled call in the journal at `journalPath`, oldest first. The ledger's memory keeps only the open
 * days' calls, so this folds the whole journal again, a block at a time, in a state of its own: the same
 * fold, so the same calls count (first settlement of each admitted reservation).
 */
export function readSettledCalls(journalPath: string): SettleEntry[] {
  const calls: SettleEntry[] = [];
  const state = new LedgerState((entry) => calls.push(entry));
  const file = new JournalFile(journalPath, {
    entry: (entry) => state.apply(entry),
    damage: () => undefined, // The live fold reports it.
    restart: () => undefined,
  });
  try {
    file.catchUp();
  } finally {
    file.close();
  }
  return calls.sort((a, b) => a.at - b.at);
}

export const usageCsvHeader =
  'time,day,provider,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,estimated,outcome';

export function usageCsv(calls: readonly SettleEntry[]): string {
  const rows = calls.map((s) =>
    [
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
      .join(','),
  );
  return [usageCsvHeader, ...rows].join('\r\n') + '\r\n';
}

function csvField(value: string | number | boolean): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
