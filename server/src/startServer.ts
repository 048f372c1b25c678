/**
 * Wires a connection to Tollgate's handlers. Used by `server.ts` (the process entry) and by the unit
 * tests, which run the server in-process over in-memory streams.
 */
import { type Connection, ErrorCodes, ResponseError } from 'vscode-languageserver';
import { version } from '../../package.json';
import { ApiKeySource } from './apiKeys';
import { BudgetService, budgetMethods, type BudgetServiceOptions } from './budget/budgetService';
import { createChatHandler } from './chat';
import type { ServerEnvironment } from './environment';
import { Extraction, extractionCapabilities, extractionMethods } from './extract/extraction';
import type { IdleCollection } from './idleCollection';
import { connectionLog } from './log';
import { ChatRequest, RetryScheduledNotification, type RetryScheduledParams } from './protocol';
import { createProvider as defaultProviderFactory, type ProviderFactory } from './providers';
import { SettingsSource } from './settingsSource';

/** Every request method this server answers, for the unknown-method message. */
const handledMethods = [ChatRequest.method, ...budgetMethods, ...extractionMethods];

export interface StartServerOptions {
  /** For tests: how long a reservation's budget status may be held back. */
  budget?: Pick<BudgetServiceOptions, 'statusHoldMs'>;
  /** Collects garbage once the server has been quiet a moment (`server.ts` passes it; tests need not). */
  idle?: IdleCollection;
}

export function startServer(
  connection: Connection,
  environment: ServerEnvironment,
  createProvider: ProviderFactory = defaultProviderFactory,
  options: StartServerOptions = {},
): void {
  const { budget: budgetOptions, idle } = options;
  const log = connectionLog(connection);
  const settings = new SettingsSource(connection, log);
  const budget = new BudgetService(connection, { storageDir: environment.storageDir, settings: () => settings.settings, log, ...budgetOptions });
  budget.listen();
  connection.onShutdown(() => budget.stop());
  // Chat and extraction call providers the same way: through the budget's guard, announcing retries.
  const providerCalls = {
    settings: () => settings.settings,
    latestSettings: () => settings.latest(),
    apiKeys: new ApiKeySource(environment.apiKeys, environment.keychain, log),
    createProvider,
    guard: budget.guard,
    log,
    notifyRetry: (params: RetryScheduledParams) => void connection.sendNotification(RetryScheduledNotification.type, params),
  };
  const extraction = new Extraction(connection, providerCalls);
  settings.onDidChange((next, previous) => extraction.globChanged(next.extractionSchemaGlob, previous.extractionSchemaGlob));

  connection.onInitialize((params) => {
    settings.initialize(params);
    extraction.initialize(params);
    return { capabilities: { ...extractionCapabilities }, serverInfo: { name: 'tollgate', version } };
  });
  connection.onInitialized(() => {
    settings.listen();
    budget.start();
    void extraction.checkWorkspace();
    log.info(`Tollgate server ${version} ready. ${providerCalls.apiKeys.describe()}. Storage: ${environment.storageDir}`);
  });

  // Requests that call providers count as work for the idle collection: it never runs while one is in flight.
  const track = <P extends unknown[], R>(handler: (...params: P) => R | Promise<R>) => (idle ? idle.track(handler) : handler);
  connection.onRequest(
    ChatRequest.type,
    track(
      createChatHandler({
        ...providerCalls,
        sendDelta: (token, delta) => void connection.sendProgress(ChatRequest.type, token, delta),
      }),
    ),
  );

  extraction.register(track);

  // vscode-jsonrpc would answer "Unhandled method"; say what exists and where it is documented instead.
  connection.onRequest((method) => {
    return new ResponseError(
      ErrorCodes.MethodNotFound,
      `Tollgate's language server has no method "${method}". It handles ${handledMethods.join(', ')}; see docs/protocol.md.`,
    );
  });

  connection.listen();
}
