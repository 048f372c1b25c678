/** Tollgate's entry point: builds the pieces and wires them. Activation is on the chat view or a command. */
import * as vscode from 'vscode';
import { ChatSession } from './chat/chatSession';
import { ChatViewProvider, chatViewId } from './chat/chatViewProvider';
import { commandIds, registerCommands } from './commands';
import { registerExtractCommand } from './extract/extractCommand';
import { ServerConnection } from './languageClient';
import { offlineDemoLabel, type OfflineDemo } from './offlineDemo';
import { ApiKeyStore } from './secrets';
import { defaultModels, readRawSettings, sanitiseSettings, settingsSection } from './settings';

/** Kept so deactivate() can wait for the server to shut down before VS Code ends the extension host. */
let serverConnection: ServerConnection | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Tollgate', { log: true });
  const apiKeys = new ApiKeyStore(context.secrets);
  const server = new ServerConnection(context, apiKeys, output);
  serverConnection = server;
  let offlineDemo: OfflineDemo | undefined;

  const session: ChatSession = new ChatSession({
    transport: (params, token, onPartial) => server.chat(params, token, onPartial),
    post: (message) => view.post(message),
    onBusyChange: () => view.refreshStatus(),
    log: (line) => output.warn(line),
  });
  const view: ChatViewProvider = new ChatViewProvider({
    extensionUri: context.extensionUri,
    session,
    status: () => {
      const { provider, model } = sanitiseSettings(readRawSettings()).settings;
      const inDemo = offlineDemo?.providers.includes(provider) ?? false;
      return { provider, model: model || defaultModels[provider], ...(inDemo ? { offlineDemoLabel } : {}) };
    },
    runAction: (action) => {
      const command = action === 'setApiKey' ? commandIds.setApiKey : commandIds.showServerOutput;
      void vscode.commands.executeCommand(command);
    },
    output,
  });

  context.subscriptions.push(
    output,
    server,
    view,
    vscode.window.registerWebviewViewProvider(chatViewId, view),
    ...registerCommands({ apiKeys, output }),
    registerExtractCommand({ server, workspaceState: context.workspaceState, output }),
    server.onWillStart((demo) => {
      offlineDemo = demo;
      view.refreshStatus();
    }),
    // A process's environment is fixed when it starts, so a new or removed key needs a new server.
    apiKeys.onDidChange(() => void server.restart()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(settingsSection)) {
        view.refreshStatus();
      }
    }),
  );

  // Start the server now, without making activation wait for it; the first request waits instead.
  void server.ready().catch(() => undefined);
}

export function deactivate(): Promise<void> | undefined {
  return serverConnection?.stop();
}
