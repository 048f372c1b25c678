/**
 * The readable side of an extraction result: a markdown report naming the schema the data validated
 * against, with a table for every list of objects (the entities of the built-in schema) and a list of
 * the other top-level values. Pure (no `vscode`), so it is unit-tested directly. Markdown was chosen over
 * a webview: VS Code's own preview renders it natively in every theme, with no extra CSP or script.
 */
import type { ExtractResult } from '../../../server/src/protocol';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as table-cell text: pipes and newlines would break the table, and model output must not inject markup. */
export function cell(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text
    .replace(/\\/g, '\\\\')
    .replace(/[|<>[\]`*_#]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

function table(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((c) => cell(row[c])).join(' | ')} |`),
  ].join('\n');
}

/** Whether the report has a table: the data holds at least one non-empty list of objects. */
export function hasEntityList(data: unknown): boolean {
  const values = Array.isArray(data) ? [data] : isRecord(data) ? Object.values(data) : [];
  return values.some((v) => Array.isArray(v) && v.length > 0 && v.every(isRecord));
}

export function resultReport(result: ExtractResult): string {
  const attempts = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
  const lines = [
    `# Extraction: ${cell(result.schema)}`,
    '',
    `Validated against **${cell(result.schema)}** · ${result.mode} structured output · ${attempts} · $${result.costUsd.toFixed(4)}`,
    '',
  ];
  const { data } = result;
  if (Array.isArray(data) && data.every(isRecord)) {
    lines.push(table(data), '');
  } else if (isRecord(data)) {
    for (const [key, value] of Object.entries(data)) {
      if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) {
        lines.push(`## ${cell(key)}`, '', table(value), '');
      } else {
        lines.push(`- **${cell(key)}**: ${cell(value)}`);
      }
    }
  } else {
    lines.push(cell(data));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
