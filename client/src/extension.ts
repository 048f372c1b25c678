/**
 * Tollgate's entry point, kept small on purpose: VS Code's activation time is the loading of this bundle
 * plus activate(). Activation (once VS Code has started, or earlier on the chat view or a command) shows
 * the budget meter in its "starting" state, registers every command and the chat view, and returns; the
 * features (`features.ts`, its own bundle: language client, chat, budget, extract) load on the next turn
 * and start the language server. A command or the chat view used before then waits for them.
 */
import * as vscode from 'vscode';
import { BudgetMeter } from './budget/budgetMeter';
import { chatViewId } from './chat/chatViewProvider';
import type * as featuresModule from './features';
import { contributedCommandIds, LazyFeatures } from './lazyFeatures';

/** Kept so deactivate() can wait for the server to shut down before VS Code ends the extension host. */
let features: LazyFeatures<featuresModule.Features> | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Tollgate', { log: true });
  const meter = new BudgetMeter();
  const lazy = new LazyFeatures((registerCommand) => {
    // A separate bundle next to this one (see esbuild.mjs), so loading it is not part of activation.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { activateFeatures } = require('./features.js') as typeof featuresModule;
    return activateFeatures({
      context,
      output,
      meter,
      registerCommand: (id, handler) => new vscode.Disposable(registerCommand(id, handler)),
    });
  }, setImmediate);
  features = lazy;

  context.subscriptions.push(
    output,
    meter,
    // package.json lists every command, so each is forwarded from the start, loaded or not.
    ...contributedCommandIds(context.extension.packageJSON).map((id) =>
      vscode.commands.registerCommand(id, (...args: unknown[]) => lazy.run(id, args)),
    ),
    vscode.window.registerWebviewViewProvider(chatViewId, {
      resolveWebviewView: (view) => lazy.get().then((loaded) => loaded.resolveChatView(view)),
    }),
  );
  lazy.loadSoon((error) => {
    output.error(`Tollgate could not load its features: ${String(error)}`);
    void vscode.window.showErrorMessage(
      'Tollgate could not load its features, so chat, extraction and the budget are unavailable. Reinstall the Tollgate extension, then reload the window.',
    );
  });
}

export function deactivate(): Promise<void> | undefined {
  return features?.stop();
}
