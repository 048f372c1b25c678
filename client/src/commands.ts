/** Tollgate's commands: a table of ids to small functions. Titles are in package.json (category "Tollgate"). */
import * as vscode from 'vscode';
import type { ProviderId } from '../../server/src/protocol';
import { chatViewId } from './chat/chatViewProvider';
import { selectionPrompt } from './chat/selectionPrompt';
import { providerLabels, providers, type ApiKeyStore } from './secrets';
import { readRawSettings, sanitiseSettings } from './settings';

/** Registers a command's handler; `vscode.commands.registerCommand` or a stand-in with its shape. */
export type RegisterCommand = (id: string, handler: (...args: unknown[]) => unknown) => vscode.Disposable;

export interface CommandContext {
  registerCommand: RegisterCommand;
  apiKeys: ApiKeyStore;
  output: vscode.LogOutputChannel;
  chat: {
    openInEditor(): void;
    /** Puts text into the chat's input box. */
    prefill(text: string): void;
    newChat(): Promise<void>;
  };
}

export const commandIds = {
  openChat: 'tollgate.openChat',
  openChatInEditor: 'tollgate.openChatInEditor',
  newChat: 'tollgate.newChat',
  askAboutSelection: 'tollgate.askAboutSelection',
  setApiKey: 'tollgate.setApiKey',
  clearApiKey: 'tollgate.clearApiKey',
  showServerOutput: 'tollgate.showServerOutput',
} as const;

type Command = (context: CommandContext) => Promise<void> | void;

const commands: Record<(typeof commandIds)[keyof typeof commandIds], Command> = {
  [commandIds.openChat]: openChat,
  [commandIds.openChatInEditor]: ({ chat }) => chat.openInEditor(),
  [commandIds.newChat]: async ({ chat }) => {
    await openChat();
    await chat.newChat();
  },
  [commandIds.askAboutSelection]: askAboutSelection,
  [commandIds.setApiKey]: setApiKey,
  [commandIds.clearApiKey]: clearApiKey,
  [commandIds.showServerOutput]: ({ output }) => output.show(true),
};

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return Object.entries(commands).map(([id, command]) =>
    context.registerCommand(id, () => command(context)),
  );
}

async function openChat(): Promise<void> {
  // `<view id>.focus` is the command VS Code generates for every view: it opens the container and the view.
  await vscode.commands.executeCommand(`${chatViewId}.focus`);
}

/** Puts the selected code, with its file, lines and language, into the chat's input box. */
async function askAboutSelection({ chat }: CommandContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Open a file and select some code, then run "Tollgate: Ask About Selection" again.');
    return;
  }
  const { document, selection } = editor;
  // No selection: the line the cursor is on, so the command always has something to ask about.
  const range = selection.isEmpty ? document.lineAt(selection.active.line).range : selection;
  const code = document.getText(range);
  if (code.trim() === '') {
    void vscode.window.showInformationMessage('The selection is empty. Select the code to ask about, then run the command again.');
    return;
  }
  chat.prefill(
    selectionPrompt({
      file: vscode.workspace.asRelativePath(document.uri, false),
      languageId: document.languageId,
      startLine: range.start.line + 1,
      endLine: range.end.line + (range.end.character === 0 && range.end.line > range.start.line ? 0 : 1),
      code,
    }),
  );
  await openChat();
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
