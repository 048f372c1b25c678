/** Tollgate's commands: a table of ids to small functions. Titles are in package.json (category "Tollgate"). */
import * as vscode from 'vscode';
import type { ProviderId } from '../../server/src/protocol';
import type { ChatSession } from './chat/chatSession';
import { chatViewId } from './chat/chatViewProvider';
import type { ErrorAction } from './chat/webviewProtocol';
import { providerLabels, providers, type ApiKeyStore } from './secrets';
import { readRawSettings, sanitiseSettings } from './settings';

export interface CommandContext {
  apiKeys: ApiKeyStore;
  output: vscode.LogOutputChannel;
}

export const commandIds = {
  openChat: 'tollgate.openChat',
  setApiKey: 'tollgate.setApiKey',
  clearApiKey: 'tollgate.clearApiKey',
  showServerOutput: 'tollgate.showServerOutput',
} as const;

type Command = (context: CommandContext) => Promise<void> | void;

const commands: Record<(typeof commandIds)[keyof typeof commandIds], Command> = {
  [commandIds.openChat]: openChat,
  [commandIds.setApiKey]: setApiKey,
  [commandIds.clearApiKey]: clearApiKey,
  [commandIds.showServerOutput]: ({ output }) => output.show(true),
};

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return Object.entries(commands).map(([id, command]) =>
    vscode.commands.registerCommand(id, () => command(context)),
  );
}

/** The action offered next to a failed answer `id`. */
export function runErrorAction(action: ErrorAction, id: string | undefined, session: ChatSession): void {
  switch (action) {
    case 'setApiKey':
      void vscode.commands.executeCommand(commandIds.setApiKey);
      break;
    case 'showServerOutput':
      void vscode.commands.executeCommand(commandIds.showServerOutput);
      break;
    case 'openBilling': {
      const url = id === undefined ? undefined : session.actionUrlOf(id);
      if (url) {
        void vscode.env.openExternal(vscode.Uri.parse(url));
      }
      break;
    }
    case 'retry':
      if (id !== undefined) {
        void session.retry(id);
      }
      break;
  }
}

async function openChat(): Promise<void> {
  // `<view id>.focus` is the command VS Code generates for every view: it opens the container and the view.
  await vscode.commands.executeCommand(`${chatViewId}.focus`);
}

async function setApiKey({ apiKeys }: CommandContext): Promise<void> {
  const provider = await pickProvider('Which provider is this API key for?');
  if (!provider) {
    return;
  }
  const label = providerLabels[provider];
  const key = await vscode.window.showInputBox({
    title: `Tollgate: Set ${label} API Key`,
    prompt: `Paste your ${label} API key. It is kept in VS Code's secret storage and sent only to the Tollgate language server.`,
    password: true,
    ignoreFocusOut: true,
  });
  const trimmed = key?.trim();
  if (!trimmed) {
    return; // Escape or an empty box cancels; the stored key, if any, stays.
  }
  await apiKeys.set(provider, trimmed);
  void vscode.window.showInformationMessage(
    `Your ${label} API key is saved. Tollgate is restarting its language server to use it.`,
  );
}

async function clearApiKey({ apiKeys }: CommandContext): Promise<void> {
  const provider = await pickProvider('Which provider’s API key should Tollgate forget?');
  if (!provider) {
    return;
  }
  const label = providerLabels[provider];
  if (!(await apiKeys.get(provider))) {
    void vscode.window.showInformationMessage(`No ${label} API key is stored, so there was nothing to clear.`);
    return;
  }
  await apiKeys.delete(provider);
  void vscode.window.showInformationMessage(
    `Your ${label} API key was removed from VS Code's secret storage. Run "Tollgate: Set API Key" to add one again.`,
  );
}

/** A quick pick of the providers, the configured one first and preselected. */
async function pickProvider(placeHolder: string): Promise<ProviderId | undefined> {
  const configured = sanitiseSettings(readRawSettings()).settings.provider;
  const items = providers.map((provider) => ({
    label: providerLabels[provider],
    description: provider === configured ? 'the configured provider' : undefined,
    provider,
    picked: provider === configured,
  }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const choice = await vscode.window.showQuickPick(items, { title: 'Tollgate', placeHolder });
  return choice?.provider;
}
