/**
 * When a chat fails because of the budget, the user gets the actions that fix it, next to the failure
 * the chat view already shows:
 * - `budgetExceeded`: the server's message says what the call would cost and what is left; the
 *   notification offers "Raise Today's Budget" (pre-filled with the shortfall) and "Open Budget Settings".
 * - an unpriced model (`data.unpricedModel`): "Set Model Price" for that model.
 */
import * as vscode from 'vscode';
import type { ErrorData } from '../../../server/src/protocol';
import { budgetCommandIds } from './meterView';

const raise = "Raise Today's Budget";
const settings = 'Open Budget Settings';
const setPrice = 'Set Model Price';

/** Passes `request`'s outcome through unchanged, offering the budget actions when it failed for budget reasons. */
export function offerBudgetActions<T>(request: Promise<T>): Promise<T> {
  return request.catch((error: unknown) => {
    void notifyBudgetFailure(error);
    throw error;
  });
}

async function notifyBudgetFailure(error: unknown): Promise<void> {
  const data = (error as { data?: Partial<ErrorData> } | undefined)?.data;
  if (data?.kind === 'budgetExceeded') {
    const choice = await vscode.window.showWarningMessage(data.message ?? 'Today\'s Tollgate budget is used up.', raise, settings);
    if (choice === raise) {
      const shortfall = (data.wouldCostUsd ?? 0) - (data.remainingUsd ?? 0);
      await vscode.commands.executeCommand(budgetCommandIds.raiseBudget, shortfall > 0 ? shortfall : undefined);
    } else if (choice === settings) {
      await vscode.commands.executeCommand(budgetCommandIds.openBudgetSettings);
    }
  } else if (data?.unpricedModel) {
    const choice = await vscode.window.showWarningMessage(data.message ?? 'Tollgate knows no price for this model.', setPrice);
    if (choice === setPrice) {
      await vscode.commands.executeCommand(budgetCommandIds.setModelPrice, data.unpricedModel);
    }
  }
}
