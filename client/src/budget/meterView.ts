/**
 * What the status-bar meter shows for a budget status: its text, its colour level and its tooltip
 * (markdown with command links). Pure — no `vscode` import — so it is unit-tested as is.
 */
import { formatUsd } from '../../../server/src/budget/money';
import type { BudgetStatus } from '../../../server/src/protocol';

export const budgetCommandIds = {
  showUsage: 'tollgate.showUsage',
  raiseBudget: 'tollgate.raiseBudget',
  openBudgetSettings: 'tollgate.openBudgetSettings',
  exportUsage: 'tollgate.exportUsage',
  setModelPrice: 'tollgate.setModelPrice',
} as const;

/** `warning` from 80 % of the budget spent, `error` at 100 % (or a zero budget). */
export type MeterLevel = 'normal' | 'warning' | 'error';

export interface MeterView {
  text: string;
  level: MeterLevel;
  /** For screen readers: the same facts as a sentence. */
  label: string;
  tooltip: string;
}

export function meterView(status: BudgetStatus): MeterView {
  const spent = formatUsd(status.spentUsd);
  const budget = formatUsd(status.budgetUsd);
  const pending = (status.pendingCalls ?? 0) > 0 || status.reservedUsd > 0;
  const share = status.budgetUsd > 0 ? status.spentUsd / status.budgetUsd : 1;
  const level: MeterLevel = share >= 1 ? 'error' : share >= 0.8 ? 'warning' : 'normal';
  const icon = pending ? '$(sync~spin)' : '$(credit-card)';
  const inFlight = pending ? `, ${formatUsd(status.reservedUsd)} reserved by calls in progress` : '';
  return {
    text: `${icon} ${spent} / ${budget}`,
    level,
    label: `Tollgate budget: ${spent} of ${budget} spent today${inFlight}.`,
    tooltip: tooltip(status),
  };
}

function tooltip(status: BudgetStatus): string {
  const calls = status.pendingCalls ?? 0;
  const raised = status.raisedUsd ? ` (${formatUsd(status.raisedUsd)} added for today)` : '';
  const lines = [
    `**Tollgate — today's budget** (${status.day})`,
    '',
    '| | |',
    '|---|--:|',
    `| Spent | ${formatUsd(status.spentUsd)} |`,
    `| Reserved${calls ? ` (${calls} call${calls === 1 ? '' : 's'} in progress)` : ''} | ${formatUsd(status.reservedUsd)} |`,
    `| Remaining | ${formatUsd(status.remainingUsd)} |`,
    `| Budget${raised} | ${formatUsd(status.budgetUsd)} |`,
    '',
  ];
  const top = (status.topModels ?? []).slice(0, 3);
  if (top.length > 0) {
    lines.push(
      `**Top models:** ${top
        .map((m) => `\`${m.model.replace(/`/g, "'")}\` ${formatUsd(m.spentUsd)} (${m.calls} call${m.calls === 1 ? '' : 's'})`)
        .join(' · ')}`,
      '',
    );
  }
  lines.push(
    [
      `[$(graph) Usage](command:${budgetCommandIds.showUsage})`,
      `[$(add) Raise today's budget](command:${budgetCommandIds.raiseBudget})`,
      `[$(gear) Settings](command:${budgetCommandIds.openBudgetSettings})`,
      `[$(export) Export CSV](command:${budgetCommandIds.exportUsage})`,
    ].join(' · '),
  );
  return lines.join('\n');
}
