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
  ChatRequest,
  ExtractionSchemasRequest,
  ExtractRequest,
  type ChatParams,
  type ChatPartialResult,
  type ChatResult,
  type ExtractionSchemaInfo,
  type ExtractParams,
  type ExtractResult,
} from '../../server/src/protocol';
import {
  applySettingOverrides,
  detectOfflineDemo,
  effectiveApiKeys,
  offlineDemoSettingOverrides,
  type OfflineDemo,
} from './offlineDemo';
import type { ApiKeyStore } from './secrets';
import { serverEnvironment } from './serverEnvironment';
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
      options: { env: serverEnvironment(process.env, effectiveApiKeys(storedKeys, offlineDemo)) },
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
