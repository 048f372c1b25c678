/**
 * Everything Tollgate does, built and wired: the language server connection, the chat, the budget and
 * extraction. Its own bundle (`dist/client/features.js`), which `extension.ts` loads right after
 * activation so that VS Code's activation time covers only the small entry bundle; the meter, the
 * command forwarders and the chat view's registration come from there.
 */
import * as vscode from 'vscode';
import type { ProviderId } from '../../server/src/protocol';
import { offerBudgetActions } from './budget/budgetFailure';
import type { BudgetMeter } from './budget/budgetMeter';
import { registerBudget } from './budget/budgetFeature';
import { EditorChatActions } from './chat/chatActions';
import { ChatController, conversationOf } from './chat/chatController';
import { ChatHistory, historyStorageKey, type StoredHistory } from './chat/chatHistory';
import { ChatPanel } from './chat/chatPanel';
import { ChatSession } from './chat/chatSession';
import { ChatViewProvider } from './chat/chatViewProvider';
import { ChatWebviews } from './chat/chatWebviews';
import { viewStatus } from './chat/viewStatus';
import { commandIds, registerCommands, type RegisterCommand } from './commands';
import { registerExtractCommand } from './extract/extractCommand';
import { ServerConnection } from './languageClient';
import type { OfflineDemo } from './offlineDemo';
import { ApiKeyStore } from './secrets';
import { readRawSettings, sanitiseSettings, settingsSection } from './settings';

/** What the entry bundle made at activation and hands over. */
export interface FeatureHost {
  context: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  /** The status-bar meter, shown since activation. */
  meter: BudgetMeter;
  /** Gives a contributed command its handler (the entry bundle registered a forwarder for each). */
  registerCommand: RegisterCommand;
}

export interface Features {
  /** Shows the chat in the side-bar view VS Code is resolving. */
  resolveChatView(view: vscode.WebviewView): void;
  /** Waits for the server to shut down, so VS Code does not end the extension host before it has. */
  deactivate(): Promise<void>;
}

export function activateFeatures({ context, output, meter, registerCommand }: FeatureHost): Features {
  const apiKeys = new ApiKeyStore(context.secrets);
  const server = new ServerConnection(context, apiKeys, output);
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
    status: () => viewStatus({ settings: sanitiseSettings(readRawSettings()).settings, offlineDemo, storedKeys }),
  });
  const view = new ChatViewProvider(webviews);
  const refreshKeys = async () => {
    const keys = await apiKeys.getAll();
    storedKeys = { anthropic: keys.anthropic !== undefined, openai: keys.openai !== undefined };
    controller.refreshStatus();
  };

  context.subscriptions.push(
    server,
    view,
    panel,
    actions,
    ...registerCommands({
      registerCommand,
      apiKeys,
      output,
      chat: { openInEditor: () => panel.open(), prefill: (text) => controller.prefill(text), newChat: () => controller.receive({ type: 'newChat' }, () => undefined) },
    }),
    server.onRetryScheduled((params) => session.retryScheduled(params)),
    ...registerBudget({ server, output, meter, registerCommand }),
    registerExtractCommand({ server, workspaceState: context.workspaceState, output, registerCommand }),
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

  return {
    resolveChatView: (chatView) => view.resolveWebviewView(chatView),
    deactivate: () => server.stop(),
  };
}
