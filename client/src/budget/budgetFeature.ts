/** Wires the budget into the extension: the meter, the usage view, the commands, the status updates. */
import * as vscode from 'vscode';
import { UsageHistoryRequest, UsageRequest } from '../../../server/src/protocol';
import type { RegisterCommand } from '../commands';
import type { ServerConnection } from '../languageClient';
import { registerBudgetCommands } from './budgetCommands';
import type { BudgetMeter } from './budgetMeter';
import { UsageView } from './usageView';

export interface BudgetContext {
  server: ServerConnection;
  output: vscode.LogOutputChannel;
  /** The meter, shown (as "starting") since activation; disposed by whoever made it. */
  meter: BudgetMeter;
  registerCommand: RegisterCommand;
}

export function registerBudget({ server, output, meter, registerCommand }: BudgetContext): vscode.Disposable[] {
  const usageView = new UsageView(() => server.request(UsageHistoryRequest.type, { days: 30 }), output);
  let notified = false;
  // The server sends a status once initialized; asking too covers a server that started before we listened.
  void server.request(UsageRequest.type, {}).then(
    (status) => notified || meter.update(status),
    (error: unknown) => output.warn(`Tollgate could not read today's budget: ${String(error)}`),
  );
  return [
    usageView,
    server.onBudgetStatus((status) => {
      notified = true;
      meter.update(status);
      void usageView.refresh();
    }),
    ...registerBudgetCommands({ server, usageView, registerCommand }),
  ];
}
