/**
 * The usage view: a webview panel with today's calls and the last 30 days by model. It holds no script;
 * it is re-rendered from `tollgate/usageHistory` when opened and whenever the budget status changes.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { UsageHistory } from '../../../server/src/protocol';
import { budgetCommandIds } from './meterView';
import { usageHtml } from './usageHtml';

export class UsageView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(
    private readonly fetchHistory: () => Promise<UsageHistory>,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
    } else {
      this.panel = vscode.window.createWebviewPanel('tollgate.usage', 'Tollgate Usage', vscode.ViewColumn.Active, {
        enableScripts: false,
        enableCommandUris: [budgetCommandIds.raiseBudget, budgetCommandIds.openBudgetSettings, budgetCommandIds.exportUsage],
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    await this.refresh();
  }

  /** Re-renders an open view; calls during a refresh are folded into one more. */
  refresh(): Promise<void> {
    if (!this.panel) {
      return Promise.resolve();
    }
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.render().finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async render(): Promise<void> {
    try {
      const history = await this.fetchHistory();
      if (this.panel) {
        this.panel.webview.html = usageHtml(history, randomBytes(16).toString('base64'));
      }
    } catch (error) {
      this.output.warn(`Tollgate could not load the usage history: ${String(error)}`);
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
