/**
 * The language server connection: starts `dist/server/server.js --stdio --storage <dir>` with
 * vscode-languageclient, handing it the API keys through its environment, and restarts it when a key
 * changes (a process's environment is fixed at spawn, so a new key needs a new process).
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type CancellationToken,
  type LanguageClientOptions,
  type NodeModule,
} from 'vscode-languageclient/node';
import {
  BudgetStatusNotification,
  ChatRequest,
  ExtractionSchemasRequest,
  ExtractRequest,
  type BudgetStatus,
  type ChatParams,
  type ChatPartialResult,
  type ChatResult,
  type ErrorData,
  type ExtractionSchemaInfo,
  type ExtractParams,
  type ExtractResult,
  RetryScheduledNotification,
  type RetryScheduledParams,
} from '../../server/src/protocol';
import { serverNodeFlags } from '../../server/src/nodeFlags';
import type { ProtocolRequestType } from 'vscode-languageserver-protocol';
import {
  applySettingOverrides,
  detectOfflineDemo,
  effectiveApiKeys,
  offlineDemoSettingOverrides,
  type OfflineDemo,
} from './offlineDemo';
import type { ApiKeyStore } from './secrets';
import { type HttpSettings, httpSettingKeys, serverEnvironment } from './serverEnvironment';
import { readRawSettings, sanitiseSettings, settingsSection } from './settings';

interface RunningServer {
  client: LanguageClient;
  offlineDemo: OfflineDemo | undefined;
  /** Watches workspace schema files for the server's diagnostics; lives as long as this client. */
  schemaWatcher: vscode.FileSystemWatcher;
}

export class ServerConnection implements vscode.Disposable {
  private server: Promise<RunningServer> | undefined;
  /** Serialises restarts, so two quick key changes cannot leave two servers running. */
  private restarting: Promise<void> = Promise.resolve();
  private readonly startingEmitter = new vscode.EventEmitter<OfflineDemo | undefined>();
  /** Fires each time a server is being started, with its offline-demo state (known even if the start fails). */
  readonly onWillStart = this.startingEmitter.event;
  private readonly retryEmitter = new vscode.EventEmitter<RetryScheduledParams>();
  /** `tollgate/retryScheduled`: the server waits before retrying the running request. */
  readonly onRetryScheduled = this.retryEmitter.event;
  private readonly budgetStatusEmitter = new vscode.EventEmitter<BudgetStatus>();
  /** Each `tollgate/budgetStatus` the server sends. */
  readonly onBudgetStatus = this.budgetStatusEmitter.event;
  /** The proxy settings reach the server in its environment, fixed at spawn: a change needs a new server. */
  private readonly httpSettingsWatcher = vscode.workspace.onDidChangeConfiguration((event) => {
    if (httpSettingKeys.some((key) => event.affectsConfiguration(key))) {
      this.output.info('VS Code\'s proxy settings changed; restarting the Tollgate language server to apply them.');
      void this.restart();
    }
  });

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly apiKeys: ApiKeyStore,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** The running server, started on first use. A failed start is retried by the next call. */
  ready(): Promise<RunningServer> {
    if (!this.server) {
      const starting = this.start();
      this.server = starting;
      starting.catch((error: unknown) => {
        if (this.server === starting) {
          this.server = undefined;
        }
        this.output.error(`The Tollgate language server could not start: ${String(error)}`);
      });
    }
    return this.server;
  }

  /** Stops the server and starts a new one, which reads the keys and settings afresh. */
  restart(): Promise<void> {
    this.restarting = this.restarting.then(async () => {
      await this.stop();
      await this.ready().then(
        () => undefined,
        () => undefined, // already logged by ready(); the next request retries
      );
    });
    return this.restarting;
  }

  /** Sends `tollgate/chat`, streaming partial results to `onPartial`. Cancelling `token` sends `$/cancelRequest`. */
  async chat(
    params: Omit<ChatParams, 'partialResultToken'>,
    token: CancellationToken,
    onPartial: (partial: ChatPartialResult) => void,
  ): Promise<ChatResult> {
    const { client } = await this.ready();
    const partialResultToken = randomUUID();
    const progress = client.onProgress(ChatRequest.type, partialResultToken, onPartial);
    try {
      return await client.sendRequest(ChatRequest.type, { ...params, partialResultToken }, token);
    } finally {
      progress.dispose();
    }
  }

  /** Sends one of Tollgate's plain requests (no partial results), starting the server if needed. */
  async request<P, R>(type: ProtocolRequestType<P, R, never, ErrorData, void>, params: P): Promise<R> {
    const { client } = await this.ready();
    // `params` is `P` already; the client's conditional `RequestParam<P>` cannot be resolved for a generic P.
    return client.sendRequest(type, params as never);
  }

  /** Sends `tollgate/extract`. Cancelling `token` sends `$/cancelRequest`, which aborts the provider call. */
  async extract(params: ExtractParams, token: CancellationToken): Promise<ExtractResult> {
    const { client } = await this.ready();
    return client.sendRequest(ExtractRequest.type, params, token);
  }

  /** The schemas `tollgate/extract` can use (built-in and workspace). */
  async extractionSchemas(): Promise<ExtractionSchemaInfo[]> {
    const { client } = await this.ready();
    return (await client.sendRequest(ExtractionSchemasRequest.type, {})).schemas;
  }

  dispose(): void {
    void this.stop();
    this.startingEmitter.dispose();
    this.retryEmitter.dispose();
    this.budgetStatusEmitter.dispose();
    this.httpSettingsWatcher.dispose();
  }

  /** Shuts the server down (LSP shutdown and exit); the next request starts a new one. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const running = await server?.catch(() => undefined);
    await running?.client.dispose().catch((error: unknown) => {
      this.output.warn(`The Tollgate language server did not stop cleanly: ${String(error)}`);
    });
    running?.schemaWatcher.dispose();
  }

  private async start(): Promise<RunningServer> {
    const storedKeys = await this.apiKeys.getAll();
    const offlineDemo = detectOfflineDemo(process.env, storedKeys);
    const overrides = offlineDemoSettingOverrides(offlineDemo);
    this.startingEmitter.fire(offlineDemo);
    if (offlineDemo) {
      this.output.info(`Offline demo: ${offlineDemo.providers.join(' and ')} answers come from ${offlineDemo.url}.`);
    }

    const serverModule: NodeModule = {
      module: this.context.asAbsolutePath('dist/server/server.js'),
      // TransportKind.stdio makes vscode-languageclient add `--stdio` to the arguments.
      transport: TransportKind.stdio,
      args: ['--storage', this.context.globalStorageUri.fsPath],
      options: { env: serverEnvironment(process.env, effectiveApiKeys(storedKeys, offlineDemo), readHttpSettings()), execArgv: [...serverNodeFlags] },
    };
    // Every file: the server offers the extract code action on any selection and checks schema files as
    // they are edited. The watcher tells it about schema files changed outside the editor.
    const schemaWatcher = vscode.workspace.createFileSystemWatcher(sanitiseSettings(readRawSettings()).settings.extractionSchemaGlob);
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      synchronize: { fileEvents: schemaWatcher },
      outputChannel: this.output,
      // Chat failures are shown in the chat view; a pop-up per failed request would repeat them.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: { settings: applySettingOverrides(settingsSection, readRawSettings(), overrides) },
      // No `synchronize.configurationSection`: the server registers for `tollgate` changes itself (dynamic
      // registration), and a static one too would send every change twice.
      middleware: {
        workspace: {
          // Send `{ settings: null }`: the server then pulls through workspace/configuration, below, where
          // the offline-demo overrides apply; pushed settings would bypass them.
          didChangeConfiguration: (_sections, next) => next(undefined),
          configuration: async (params, token, next) => {
            const values = await next(params, token);
            if (!Array.isArray(values)) {
              return values;
            }
            return values.map((value: unknown, index) =>
              applySettingOverrides(params.items[index]?.section ?? undefined, value, overrides),
            );
          },
        },
      },
    };
    const client = new LanguageClient('tollgate', 'Tollgate Language Server', serverModule, clientOptions);
    client.onNotification(RetryScheduledNotification.type, (params) => this.retryEmitter.fire(params));
    // Registered before start, so the status the server sends once initialized is not missed.
    client.onNotification(BudgetStatusNotification.type, (status) => this.budgetStatusEmitter.fire(status));
    try {
      await client.start();
    } catch (error) {
      schemaWatcher.dispose();
      // A client that failed to start still holds its process and listeners.
      await client.dispose().catch(() => undefined);
      throw error;
    }
    return { client, offlineDemo, schemaWatcher };
  }
}

/** VS Code's proxy settings; a value of the wrong type (hand-edited settings.json) counts as unset. */
function readHttpSettings(): HttpSettings {
  const http = vscode.workspace.getConfiguration('http');
  const proxy: unknown = http.get('proxy');
  const proxyAuthorization: unknown = http.get('proxyAuthorization');
  const noProxy: unknown = http.get('noProxy');
  const proxySupport: unknown = http.get('proxySupport');
  return {
    proxy: typeof proxy === 'string' ? proxy : '',
    proxyStrictSSL: http.get('proxyStrictSSL') !== false,
    proxyAuthorization: typeof proxyAuthorization === 'string' ? proxyAuthorization : null,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((entry): entry is string => typeof entry === 'string') : [],
    proxySupport: typeof proxySupport === 'string' ? proxySupport : 'override',
  };
}
