// One UI session: the fake provider, a code-server with the extension installed and its base URLs pointed
// at the fake, and Chromium showing the workbench. Everything it starts is registered on `teardown`.
import { launchBrowser, type Browser } from './browser';
import { startCodeServer, type CodeServer } from './code-server';
import { startFakeProvider, type FakeProvider } from './fake-provider';
import type { Teardown } from './teardown';
import { packageExtension } from './vsix';
import { openWorkbench } from './workbench';

export interface Session {
  fake: FakeProvider;
  server: CodeServer;
  browser: Browser;
}

export interface SessionOptions {
  /** Install the packaged extension (default). false: a workbench without it, for negative controls. */
  withExtension?: boolean;
  /** More user settings (e.g. a tiny `tollgate.budget.dailyUsd`). */
  settings?: Record<string, unknown>;
  /** Files in the workspace before VS Code starts, by relative path (e.g. `.vscode/settings.json`). */
  workspaceFiles?: Record<string, string>;
  /** More .vsix files to install beside Tollgate (e.g. the bench's empty baseline extension). */
  extraVsixFiles?: string[];
  /** Extra environment for code-server and so the extension host and the language server it starts. */
  env?: Record<string, string>;
}

export async function startSession(teardown: Teardown, name: string, options: SessionOptions = {}): Promise<Session> {
  const vsixFiles = [...(options.withExtension === false ? [] : [packageExtension()]), ...(options.extraVsixFiles ?? [])];
  const fake = await startFakeProvider(teardown, name);
  const server = await startCodeServer(teardown, {
    name,
    vsixFiles,
    workspaceFiles: options.workspaceFiles,
    ...(options.env ? { env: options.env } : {}),
    settings: {
      // User (application-scope) settings: where the language server sends each provider's requests.
      'tollgate.anthropic.baseUrl': fake.anthropicBaseUrl,
      'tollgate.openai.baseUrl': fake.openaiBaseUrl,
      ...options.settings,
    },
  });
  const browser = await launchBrowser(teardown, name);
  await openWorkbench(browser.page, server.workbenchUrl());
  return { fake, server, browser };
}
