/**
 * The budget's commands: show usage, raise today's budget, open the budget settings, export CSV, and set
 * a model's price. One small function each; titles are in package.json (category "Tollgate").
 */
import * as vscode from 'vscode';
import { formatUsd } from '../../../server/src/budget/money';
import { ExportUsageRequest, RaiseBudgetRequest } from '../../../server/src/protocol';
import type { RegisterCommand } from '../commands';
import type { ServerConnection } from '../languageClient';
import { readRawSettings, sanitiseSettings, defaultModels } from '../settings';
import { budgetCommandIds } from './meterView';
import type { UsageView } from './usageView';

export interface BudgetCommandContext {
  server: ServerConnection;
  usageView: UsageView;
  registerCommand: RegisterCommand;
}

export function registerBudgetCommands(context: BudgetCommandContext): vscode.Disposable[] {
  const { registerCommand } = context;
  return [
    registerCommand(budgetCommandIds.showUsage, () => context.usageView.show()),
    registerCommand(budgetCommandIds.raiseBudget, (suggestedUsd?: unknown) =>
      raiseBudget(context, typeof suggestedUsd === 'number' ? suggestedUsd : undefined),
    ),
    registerCommand(budgetCommandIds.openBudgetSettings, openBudgetSettings),
    registerCommand(budgetCommandIds.exportUsage, () => exportUsage(context)),
    registerCommand(budgetCommandIds.setModelPrice, (model?: unknown) =>
      setModelPrice(typeof model === 'string' ? model : undefined),
    ),
  ];
}

/** A positive amount of USD, as typed in an input box; undefined when it is not one. */
export function parseUsd(text: string): number | undefined {
  const value = Number(text.trim().replace(/^\$/, ''));
  return Number.isFinite(value) && text.trim() !== '' ? value : undefined;
}

async function raiseBudget({ server }: BudgetCommandContext, suggestedUsd?: number): Promise<void> {
  const suggestion = suggestedUsd !== undefined ? Math.max(0.01, Math.ceil(suggestedUsd * 100) / 100) : 1;
  const text = await vscode.window.showInputBox({
    title: "Tollgate: Raise Today's Budget",
    prompt: 'How many USD should Tollgate add to today\'s budget? Only today changes; tomorrow starts again from tollgate.budget.dailyUsd.',
    value: String(suggestion),
    validateInput: (value) => {
      const usd = parseUsd(value);
      return usd !== undefined && usd > 0 ? undefined : 'Enter an amount of USD greater than 0, e.g. 2.50.';
    },
  });
  const usd = text === undefined ? undefined : parseUsd(text);
  if (usd === undefined || usd <= 0) {
    return;
  }
  const status = await server.request(RaiseBudgetRequest.type, { addUsd: usd });
  void vscode.window.showInformationMessage(
    `Today's Tollgate budget is now ${formatUsd(status.budgetUsd)}; ${formatUsd(status.remainingUsd)} of it is left.`,
  );
}

async function openBudgetSettings(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettings', 'tollgate.budget');
}

async function exportUsage({ server }: BudgetCommandContext): Promise<void> {
  const { csv, rows } = await server.request(ExportUsageRequest.type, {});
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `tollgate-usage-${new Date().toISOString().slice(0, 10)}.csv`;
  const target = await vscode.window.showSaveDialog({
    title: 'Export Tollgate usage as CSV',
    filters: { CSV: ['csv'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  if (!target) {
    return;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(csv));
  const open = await vscode.window.showInformationMessage(
    `Tollgate exported ${rows} call${rows === 1 ? '' : 's'} to ${target.fsPath}.`,
    'Open',
  );
  if (open) {
    await vscode.window.showTextDocument(target);
  }
}

/** Asks for a model's input and output price and stores them in `tollgate.pricing` (user settings). */
async function setModelPrice(model?: string): Promise<void> {
  const settings = sanitiseSettings(readRawSettings()).settings;
  const name =
    model ??
    (await vscode.window.showInputBox({
      title: 'Tollgate: Set Model Price',
      prompt: 'Which model? Use the id you set in tollgate.model.',
      value: settings.model || defaultModels[settings.provider],
      validateInput: (value) => (value.trim() ? undefined : 'Enter a model id.'),
    }));
  if (!name?.trim()) {
    return;
  }
  const askPrice = (what: string) =>
    vscode.window.showInputBox({
      title: `Tollgate: Price of ${name}`,
      prompt: `USD per million ${what} tokens (0 for a free local model).`,
      value: String(settings.pricing[name]?.[what === 'input' ? 'inputPerMTok' : 'outputPerMTok'] ?? 0),
      validateInput: (value) => {
        const usd = parseUsd(value);
        return usd !== undefined && usd >= 0 ? undefined : 'Enter a number of USD, 0 or more.';
      },
    });
  const input = parseUsd((await askPrice('input')) ?? '');
  if (input === undefined) {
    return;
  }
  const output = parseUsd((await askPrice('output')) ?? '');
  if (output === undefined) {
    return;
  }
  const configuration = vscode.workspace.getConfiguration('tollgate');
  const pricing = { ...(configuration.inspect<Record<string, unknown>>('pricing')?.globalValue ?? {}) };
  pricing[name.trim()] = { inputPerMTok: input, outputPerMTok: output };
  await configuration.update('pricing', pricing, vscode.ConfigurationTarget.Global);
  void vscode.window.showInformationMessage(
    `Tollgate now prices ${name.trim()} at $${input} per million input and $${output} per million output tokens (tollgate.pricing).`,
  );
}
