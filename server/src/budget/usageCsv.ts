/** The ledger's settled calls as CSV (RFC 4180), for "Export Usage as CSV" and `tollgate/exportUsage`. */
import type { SettleEntry } from './ledgerEntry';

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
