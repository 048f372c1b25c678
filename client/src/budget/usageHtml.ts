/**
 * The usage view's HTML: today's figures and calls, and the last 30 days as a stacked bar chart by model,
 * in plain SVG and CSS. No script at all, so the CSP allows none: `default-src 'none'`, the one inline
 * style block by nonce. Actions are `command:` links (the panel enables exactly those commands). Every
 * string from the ledger (model names) is escaped. Pure — no `vscode` import.
 */
import { formatUsd } from '../../../server/src/budget/money';
import type { CallRecord, DayUsage, UsageHistory } from '../../../server/src/protocol';
import { budgetCommandIds } from './meterView';

/**
 * Theme chart colours, so the chart reads in light, dark and high-contrast themes. Applied by class: the
 * CSP allows no inline `style` attributes.
 */
const palette = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];
const colourStyles = [
  ...palette.map((c, i) => `.c${i} { fill: var(--vscode-charts-${c}); background: var(--vscode-charts-${c}); }`),
  '.cx { fill: var(--vscode-descriptionForeground); background: var(--vscode-descriptionForeground); }',
].join('\n');

export function usageHtml(history: UsageHistory, nonce: string): string {
  const { status } = history;
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'`;
  const raised = status.raisedUsd ? ` <span class="muted">(${formatUsd(status.raisedUsd)} added for today)</span>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>Tollgate Usage</title>
  <style nonce="${nonce}">${styles}${colourStyles}</style>
</head>
<body>
  <h1>Today, ${escape(status.day)}</h1>
  <p class="figures" data-testid="usage-figures">
    <span><b>${formatUsd(status.spentUsd)}</b> spent</span>
    <span><b>${formatUsd(status.reservedUsd)}</b> reserved</span>
    <span><b>${formatUsd(status.remainingUsd)}</b> remaining</span>
    <span>of <b>${formatUsd(status.budgetUsd)}</b>${raised}</span>
  </p>
  <p class="actions">
    <a href="command:${budgetCommandIds.raiseBudget}">Raise today's budget</a>
    <a href="command:${budgetCommandIds.openBudgetSettings}">Budget settings</a>
    <a href="command:${budgetCommandIds.exportUsage}">Export CSV</a>
  </p>
  <h2>Last ${history.days.length} days by model</h2>
  ${chart(history.days)}
  <h2>Today's calls</h2>
  ${callsTable(history.today)}
</body>
</html>`;
}

function chart(days: DayUsage[]): string {
  const oldestFirst = [...days].reverse();
  const totals = new Map<string, number>();
  for (const day of days) {
    for (const m of day.models) {
      totals.set(m.model, (totals.get(m.model) ?? 0) + m.spentUsd);
    }
  }
  if (totals.size === 0) {
    return '<p class="muted">No spend in this period.</p>';
  }
  // The biggest models get their own colour; the rest share one, so the legend stays readable.
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([model]) => model);
  const named = ranked.slice(0, palette.length);
  const colourOf = (model: string) => (named.includes(model) ? `c${named.indexOf(model)}` : 'cx');
  const max = Math.max(...days.map((d) => d.spentUsd), 1e-9);
  const width = 600;
  const height = 160;
  const slot = width / oldestFirst.length;
  const bars = oldestFirst
    .map((day, i) => {
      let y = height;
      const parts = [...day.models]
        .sort((a, b) => ranked.indexOf(a.model) - ranked.indexOf(b.model))
        .map((m) => {
          const h = (m.spentUsd / max) * (height - 10);
          y -= h;
          return `<rect x="${(i * slot + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(slot - 2, 1).toFixed(1)}" height="${h.toFixed(1)}" class="${colourOf(m.model)}"><title>${escape(day.day)} ${escape(m.model)}: ${formatUsd(m.spentUsd)} (${m.calls} calls)</title></rect>`;
        });
      return parts.join('');
    })
    .join('');
  const first = oldestFirst[0]?.day ?? '';
  const last = oldestFirst.at(-1)?.day ?? '';
  const legend = [...named, ...(ranked.length > named.length ? ['other models'] : [])]
    .map((model) => `<span><i class="${colourOf(model)}"></i>${escape(model)}</span>`)
    .join('');
  return `<svg class="chart" data-testid="usage-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Spend per day by model, highest day ${formatUsd(max)}">
    <line x1="0" y1="${height}" x2="${width}" y2="${height}" class="axis"/>${bars}</svg>
  <p class="axis-labels"><span>${escape(first)}</span><span>highest day ${formatUsd(max)}</span><span>${escape(last)}</span></p>
  <p class="legend">${legend}</p>`;
}

function callsTable(calls: CallRecord[]): string {
  if (calls.length === 0) {
    return '<p class="muted">No calls yet today.</p>';
  }
  const rows = [...calls]
    .reverse()
    .map((c) => {
      const u = c.usage;
      const tokens = u
        ? `${u.inputTokens} in · ${u.outputTokens} out${u.cacheReadTokens ? ` · ${u.cacheReadTokens} cache read` : ''}${u.cacheWriteTokens ? ` · ${u.cacheWriteTokens} cache write` : ''}`
        : '—';
      const cost = `${formatUsd(c.costUsd)}${c.estimated ? ' <span class="muted" title="The provider reported no usage: this is an estimate.">est.</span>' : ''}`;
      return `<tr><td>${escape(new Date(c.time).toLocaleTimeString())}</td><td>${escape(c.model)}</td><td>${tokens}</td><td class="num">${cost}</td><td>${outcomeLabels[c.outcome]}</td></tr>`;
    })
    .join('');
  return `<table data-testid="usage-calls"><thead><tr><th>Time</th><th>Model</th><th>Tokens</th><th class="num">Cost</th><th>Outcome</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const outcomeLabels: Record<CallRecord['outcome'], string> = {
  ok: 'answered',
  failed: 'failed or stopped',
  notSent: 'refused or unreachable (not billed)',
  orphaned: 'server stopped mid-call',
  pending: 'in progress (reserved)',
};

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const styles = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 16px; }
h1 { font-size: 1.4em; font-weight: 600; } h2 { font-size: 1.1em; font-weight: 600; margin-top: 1.6em; }
.figures span { margin-right: 1.5em; } .muted { color: var(--vscode-descriptionForeground); }
.actions a { margin-right: 1.2em; color: var(--vscode-textLink-foreground); }
.chart { width: 100%; max-width: 800px; height: 180px; } .axis { stroke: var(--vscode-editorWidget-border, currentColor); }
.axis-labels { display: flex; justify-content: space-between; max-width: 800px; color: var(--vscode-descriptionForeground); margin: 0; }
.legend span { margin-right: 1.2em; white-space: nowrap; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); }
.num { text-align: right; }
`;
