/**
 * Runs Tollgate's language server in-process over two in-memory streams and talks to it the way an
 * editor does: initialize with settings, answer `workspace/configuration`, record `window/*` messages,
 * and send `tollgate/chat` with a partial-result token.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import {
  CancellationTokenSource,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  type Diagnostic,
  type ClientCapabilities,
  type ProtocolConnection,
  RegistrationRequest,
  ResponseError,
  ShowMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type { ApiKeys } from '../../../server/src/environment';
import type { KeychainOptions } from '../../../server/src/keychain/keychainClient';
import type { ProviderId } from '../../../server/src/protocol';
import { type FakeProvider, startFakeProvider } from '../../fake-provider';
import {
  ChatRequest,
  type ChatDelta,
  type ChatParams,
  type ChatResult,
  type ErrorData,
  RetryScheduledNotification,
  type RetryScheduledParams,
} from '../../../server/src/protocol';
import { startServer } from '../../../server/src/startServer';

export interface ChatOutcome {
  result?: ChatResult;
  error?: ResponseError<ErrorData>;
  /** Every partial result, flattened, in arrival order. */
  deltas: ChatDelta[];
  /** The deltas joined: what a UI would show. */
  streamedText: string;
}

export interface ServerUnderTest {
  connection: ProtocolConnection;
  /** Messages the server showed the user (`window/showMessage`). */
  shownMessages: string[];
  /** The server's log (`window/logMessage`). */
  logLines: string[];
  /** Every `tollgate/retryScheduled` notification, in arrival order. */
  retries: RetryScheduledParams[];
  /** The latest `textDocument/publishDiagnostics` per document URI. */
  diagnostics: Map<string, Diagnostic[]>;
  chat(
    params: ChatParams,
    options?: { cancel?: CancellationTokenSource; onDelta?: (streamedSoFar: string) => void },
  ): Promise<ChatOutcome>;
  /** Replaces the editor's `tollgate` section, tells the server, and waits until it has re-read it. */
  changeSettings(settings: Record<string, unknown>): Promise<void>;
  /** Changes what the editor answers to `workspace/configuration` without announcing it. */
  replaceSettingsQuietly(settings: Record<string, unknown>): void;
  /** Announces a settings change and returns at once, without waiting for the server to pull it. */
  announceSettings(settings: Record<string, unknown>): Promise<void>;
  close(): void;
}

export async function startServerUnderTest(options: {
  apiKeys?: ApiKeys;
  /** Where missing keys are looked up, as a standalone server does; none by default (as in VS Code). */
  keychain?: KeychainOptions;
  settings?: Record<string, unknown>;
  /** The server's storage folder (its budget ledger); a fresh temporary one by default. */
  storageDir?: string;
  /** File-system paths sent as the workspace folders. */
  workspaceFolders?: string[];
  /** The longest the server holds a reservation's budget status back (BudgetServiceOptions). */
  statusHoldMs?: number;
}): Promise<ServerUnderTest> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(toServer),
    new StreamMessageWriter(toClient),
  );
  startServer(
    serverConnection,
    {
      apiKeys: options.apiKeys ?? {},
      storageDir: options.storageDir ?? mkdtempSync(join(tmpdir(), 'tollgate-storage-')),
      ...(options.keychain ? { keychain: options.keychain } : {}),
    },
    undefined,
    options.statusHoldMs === undefined ? {} : { budget: { statusHoldMs: options.statusHoldMs } },
  );
  const editor = await connectAsEditor(toClient, toServer, {
    settings: options.settings,
    workspaceFolders: options.workspaceFolders,
  });
  return {
    ...editor,
    close() {
      editor.connection.dispose();
      serverConnection.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };
}

/**
 * The editor's side of a connection to a server reading `toServer` and writing `fromServer`: initializes
 * with `settings` (and, by default, the capabilities VS Code has for them), then offers `chat()`.
 */
export async function connectAsEditor(
  fromServer: NodeJS.ReadableStream,
  toServer: NodeJS.WritableStream,
  options: { settings?: Record<string, unknown>; capabilities?: ClientCapabilities; workspaceFolders?: string[] },
): Promise<Omit<ServerUnderTest, 'close'>> {
  const connection = createProtocolConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
  let settings: Record<string, unknown> = options.settings ?? {};
  const shownMessages: string[] = [];
  const logLines: string[] = [];
  const retries: RetryScheduledParams[] = [];
  const diagnostics = new Map<string, Diagnostic[]>();
  let settingsPulled: (() => void) | undefined;
  connection.onRequest(ConfigurationRequest.type, (params) => {
    setImmediate(() => settingsPulled?.());
    return params.items.map(() => settings);
  });
  connection.onRequest(RegistrationRequest.type, () => undefined);
  connection.onNotification(ShowMessageNotification.type, (message) => {
    shownMessages.push(message.message);
  });
  connection.onNotification(LogMessageNotification.type, (message) => {
    logLines.push(message.message);
  });
  connection.onNotification(RetryScheduledNotification.type, (params) => {
    retries.push(params);
  });
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    diagnostics.set(params.uri, params.diagnostics);
  });
  connection.listen();

  const folders = (options.workspaceFolders ?? []).map((path) => ({ uri: pathToFileURL(path).toString(), name: path }));
  await connection.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: folders[0]?.uri ?? null,
    ...(folders.length > 0 ? { workspaceFolders: folders } : {}),
    capabilities: options.capabilities ?? {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
    },
    initializationOptions: { settings },
  });
  await connection.sendNotification(InitializedNotification.type, {});

  return {
    connection,
    shownMessages,
    logLines,
    retries,
    diagnostics,
    async chat(params, { cancel, onDelta } = {}) {
      const partialResultToken = randomUUID();
      const deltas: ChatDelta[] = [];
      const subscription = connection.onProgress(ChatRequest.type, partialResultToken, (value) => {
        deltas.push(...(Array.isArray(value) ? value : [value]));
        onDelta?.(deltas.map((d) => d.text).join(''));
      });
      const outcome: ChatOutcome = { deltas, streamedText: '' };
      try {
        outcome.result = await connection.sendRequest(
          ChatRequest.type,
          { ...params, partialResultToken },
          (cancel ?? new CancellationTokenSource()).token,
        );
      } catch (error) {
        if (!(error instanceof ResponseError)) {
          throw error;
        }
        outcome.error = error as ResponseError<ErrorData>;
      } finally {
        subscription.dispose();
      }
      outcome.streamedText = deltas.map((d) => d.text).join('');
      return outcome;
    },
    replaceSettingsQuietly(next) {
      settings = next;
    },
    async announceSettings(next) {
      settings = next;
      await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    },
    async changeSettings(next) {
      settings = next;
      // Resolves once the server has pulled the new section, as VS Code's server would see it.
      const pulled = new Promise<void>((resolve) => (settingsPulled = resolve));
      await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      await pulled;
    },
  };
}

/** Resolves once `condition()` holds, polling briefly; fails with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A fake provider and a server configured to call it for `provider` with `apiKey`, plus `settings` (and workspace folders). */
export async function startAgainstFake(
  provider: ProviderId,
  apiKey: string,
  settings: Record<string, unknown> = {},
  options: { workspaceFolders?: string[] } = {},
): Promise<{ fake: FakeProvider; server: ServerUnderTest; close: () => Promise<void> }> {
  const fake = await startFakeProvider();
  const server = await startServerUnderTest({
    apiKeys: { [provider]: apiKey },
    settings: {
      provider,
      anthropic: { baseUrl: fake.anthropicBaseUrl },
      openai: { baseUrl: fake.openaiBaseUrl },
      // The budget refuses models without a price; tests that name a made-up model use this one.
      pricing: { 'model-under-test': { inputPerMTok: 1, outputPerMTok: 2 } },
      ...settings,
    },
    workspaceFolders: options.workspaceFolders,
  });
  return {
    fake,
    server,
    close: async () => {
      server.close();
      await fake.close();
    },
  };
}
