/**
 * The editor side of the chat's buttons: clipboard, insert at cursor, the provider/model picker and the
 * actions offered with errors. The only chat file besides the views that talks to `vscode`.
 */
import * as vscode from 'vscode';
import type { ProviderId } from '../../../server/src/protocol';
import { providerLabels } from '../secrets';
import { defaultModels, readRawSettings, sanitiseSettings, settingsSection } from '../settings';
import type { ChatActions } from './chatController';
import type { HostAction } from './webviewProtocol';

export interface EditorChatActionsOptions {
  runCommand: (action: Exclude<HostAction, 'openBilling'>) => void;
}

export class EditorChatActions implements ChatActions, vscode.Disposable {
  /** Clicking into the chat takes focus from the editor; Insert goes where the user was last typing. */
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly listener = vscode.window.onDidChangeActiveTextEditor((editor) => {
    if (editor) {
      this.lastEditor = editor;
    }
  });

  constructor(private readonly options: EditorChatActionsOptions) {}

  runAction(action: Exclude<HostAction, 'openBilling'>): void {
    this.options.runCommand(action);
  }

  async openBillingPage(url: string): Promise<void> {
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage('Tollgate: copied to the clipboard.', 2000);
  }

  async insertAtCursor(text: string): Promise<boolean> {
    const open = (editor: vscode.TextEditor | undefined) =>
      editor !== undefined && !editor.document.isClosed && vscode.window.visibleTextEditors.includes(editor);
    const editor = open(this.lastEditor) ? this.lastEditor : vscode.window.visibleTextEditors[0];
    if (!editor) {
      return false;
    }
    const inserted = await editor.edit((edit) => {
      for (const selection of editor.selections) {
        edit.replace(selection, text);
      }
    });
    if (inserted) {
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    }
    return inserted;
  }

  async setProvider(provider: ProviderId): Promise<void> {
    const { settings } = sanitiseSettings(readRawSettings());
    if (settings.provider === provider) {
      return;
    }
    await update('provider', provider);
    // A model name belongs to one provider; the other provider's default is the safe choice.
    if (settings.model) {
      await update('model', '');
    }
  }

  async pickModel(): Promise<void> {
    const { settings } = sanitiseSettings(readRawSettings());
    const label = providerLabels[settings.provider];
    const model = await vscode.window.showInputBox({
      title: `Tollgate: ${label} Model`,
      prompt: `The model name to send to ${label} or to your OpenAI-compatible server (any name it accepts, e.g. llama3.1). Leave empty for ${defaultModels[settings.provider]}.`,
      value: settings.model || defaultModels[settings.provider],
      ignoreFocusOut: true,
    });
    if (model === undefined) {
      return;
    }
    const trimmed = model.trim();
    await update('model', trimmed === defaultModels[settings.provider] ? '' : trimmed);
  }

  warn(message: string): void {
    void vscode.window.showWarningMessage(message);
  }

  dispose(): void {
    this.listener.dispose();
  }
}

/** Writes where the value is set now (a workspace that sets it keeps it), else in the user settings. */
async function update(key: 'provider' | 'model', value: string): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(settingsSection);
  const inspected = configuration.inspect(key);
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await configuration.update(key, value === '' && target === vscode.ConfigurationTarget.Global ? undefined : value, target);
}
