/** The status-bar meter: today's spend against the budget, driven by `tollgate/budgetStatus`. */
import * as vscode from 'vscode';
import type { BudgetStatus } from '../../../server/src/protocol';
import { budgetCommandIds, meterView, type MeterLevel } from './meterView';

const backgrounds: Record<MeterLevel, vscode.ThemeColor | undefined> = {
  normal: undefined,
  warning: new vscode.ThemeColor('statusBarItem.warningBackground'),
  error: new vscode.ThemeColor('statusBarItem.errorBackground'),
};

export class BudgetMeter implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tollgate.budget', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Tollgate Budget';
    this.item.text = '$(credit-card) Tollgate';
    this.item.tooltip = 'Tollgate is starting its language server; the daily budget shows here once it is ready.';
    this.item.command = budgetCommandIds.showUsage;
    this.item.show();
  }

  update(status: BudgetStatus): void {
    const view = meterView(status);
    this.item.text = view.text;
    this.item.backgroundColor = backgrounds[view.level];
    this.item.accessibilityInformation = { label: view.label, role: 'button' };
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    // Command links run only Tollgate's own budget commands.
    tooltip.isTrusted = { enabledCommands: Object.values(budgetCommandIds) };
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
