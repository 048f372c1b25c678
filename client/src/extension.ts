/**
 * Tollgate's entry point: builds the pieces and wires them. Activation is once VS Code has started (so the
 * budget meter shows), or earlier on the chat view or a command.
 */
import * as vscode from 'vscode';
import type { ProviderId } from '../../server/src/protocol';
import { offerBudgetActions } from './budget/budgetFailure';
import { registerBudget } from './budget/budgetFeature';
import { EditorChatActions } from './chat/chatActions';
import { ChatController, conversationOf } from './chat/chatController';
import { ChatHistory, historyStorageKey, type StoredHistory } from './chat/chatHistory';
import { ChatPanel } from './chat/chatPanel';
import { ChatSession } from './chat/chatSession';
import { ChatViewProvider, chatViewId } from './chat/chatViewProvider';
import { ChatWebviews } from './chat/chatWebviews';
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
  /** Which providers have a stored key; read from SecretStorage at start and whenever a key changes. */
  let storedKeys: Partial<Record<ProviderId, boolean>> = {};

  const history = new ChatHistory({
    get: () => context.workspaceState.get(historyStorageKey),
    update: (value: StoredHistory) => context.workspaceState.update(historyStorageKey, value),
  });
  const session: ChatSession = new ChatSession({
    transport: (params, token, onPartial) => offerBudgetActions(server.chat(params, token, onPartial)),
    post: (message) => webviews.broadcast(message),
    onBusyChange: () => controller.refreshStatus(),
    onTranscriptChange: (conversation) => controller.recordTranscript(conversation),
    log: (line) => output.warn(line),
    conversation: conversationOf(history),
  });
  const webviews: ChatWebviews = new ChatWebviews({
    extensionUri: context.extensionUri,
    output,
    receive: (message, reply) => controller.receive(message, reply),
    onInvalid: (reply) => reply({ type: 'status', status: controller.currentStatus() }),
  });
  const panel = new ChatPanel(webviews, context.extensionUri);
  const actions = new EditorChatActions({
    runCommand: (action) =>
      void vscode.commands.executeCommand(action === 'setApiKey' ? commandIds.setApiKey : commandIds.showServerOutput),
  });
  const controller: ChatController = new ChatController({
    session,
    history,
    actions,
    broadcast: (message) => webviews.broadcast(message),
    hasReadyView: () => webviews.hasReadyView,
    status: () => {
      const { provider, model } = sanitiseSettings(readRawSettings()).settings;
      const inDemo = offlineDemo?.providers.includes(provider) ?? false;
      return {
        provider,
        model: model || defaultModels[provider],
        ...(inDemo ? { offlineDemoLabel } : {}),
        ...(!inDemo && storedKeys[provider] === false ? { keyMissing: true } : {}),
      };
    },
  });
  const view = new ChatViewProvider(webviews);
  const refreshKeys = async () => {
    const keys = await apiKeys.getAll();
    storedKeys = { anthropic: keys.anthropic !== undefined, openai: keys.openai !== undefined };
    controller.refreshStatus();
  };

  context.subscriptions.push(
    output,
    server,
    view,
    panel,
    actions,
    vscode.window.registerWebviewViewProvider(chatViewId, view),
    ...registerCommands({
      apiKeys,
      output,
      chat: { openInEditor: () => panel.open(), prefill: (text) => controller.prefill(text), newChat: () => controller.receive({ type: 'newChat' }, () => undefined) },
    }),
    server.onRetryScheduled((params) => session.retryScheduled(params)),
    ...registerBudget(server, output),
    registerExtractCommand({ server, workspaceState: context.workspaceState, output }),
    server.onWillStart((demo) => {
      offlineDemo = demo;
      controller.refreshStatus();
    }),
    // A process's environment is fixed when it starts, so a new or removed key needs a new server.
    apiKeys.onDidChange(() => {
      void server.restart();
      void refreshKeys();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(settingsSection)) {
        controller.refreshStatus();
      }
    }),
  );
  void refreshKeys();

  // Start the server now, without making activation wait for it; the first request waits instead.
  void server.ready().catch(() => undefined);
}

export function deactivate(): Promise<void> | undefined {
  return serverConnection?.stop();
}
