/** Wires the budget into the extension: the meter, the usage view, the commands, the status updates. */
import * as vscode from 'vscode';
import { UsageHistoryRequest, UsageRequest } from '../../../server/src/protocol';
import type { ServerConnection } from '../languageClient';
import { registerBudgetCommands } from './budgetCommands';
import { BudgetMeter } from './budgetMeter';
import { UsageView } from './usageView';

export function registerBudget(server: ServerConnection, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const meter = new BudgetMeter();
  const usageView = new UsageView(() => server.request(UsageHistoryRequest.type, { days: 30 }), output);
  let notified = false;
  // The server sends a status once initialized; asking too covers a server that started before we listened.
  void server.request(UsageRequest.type, {}).then(
    (status) => notified || meter.update(status),
    (error: unknown) => output.warn(`Tollgate could not read today's budget: ${String(error)}`),
  );
  return [
    meter,
    usageView,
    server.onBudgetStatus((status) => {
      notified = true;
      meter.update(status);
      void usageView.refresh();
    }),
    ...registerBudgetCommands({ server, usageView }),
  ];
}
