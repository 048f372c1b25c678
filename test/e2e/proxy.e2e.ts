// VS Code's `http.proxy` in a real VS Code (code-server + Chromium): with it set, the chat's provider call
// goes through a proxy on 127.0.0.1 and the answer arrives, and the proxy reached the language server
// through its environment, as the keys do. The fake provider is on 127.0.0.1 too, which Tollgate reaches
// directly by default, so code-server starts with TOLLGATE_PROXY_LOCALHOST=true.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestProxy, type TestProxy } from '../unit/support/testProxy';
import { type Browser, launchBrowser } from './harness/browser';
import { type CodeServer, startCodeServer } from './harness/code-server';
import { type FakeProvider, startFakeProvider } from './harness/fake-provider';
import { Teardown } from './harness/teardown';
import { packageExtension } from './harness/vsix';
import { answerInputBox, openWorkbench, pickQuickItem, runCommand, webviewFrame } from './harness/workbench';

const KEY = 'sk-ant-e2e-proxy-key-0001';
const STEP_MS = 30_000;

describe("VS Code's http.proxy", { timeout: 300_000 }, () => {
  const teardown = new Teardown();
  let fake: FakeProvider;
  let proxy: TestProxy;
  let server: CodeServer;
  let browser: Browser;

  before(async () => {
    const vsix = packageExtension();
    fake = await startFakeProvider(teardown, 'proxy');
    proxy = await startTestProxy();
    teardown.defer('stop the proxy', () => proxy.close());
    server = await startCodeServer(teardown, {
      name: 'proxy',
      vsixFiles: [vsix],
      settings: {
        'tollgate.anthropic.baseUrl': fake.anthropicBaseUrl,
        'tollgate.openai.baseUrl': fake.openaiBaseUrl,
        'http.proxy': proxy.url,
      },
      env: { TOLLGATE_PROXY_LOCALHOST: 'true' },
    });
    browser = await launchBrowser(teardown, 'proxy');
    await openWorkbench(browser.page, server.workbenchUrl());
  });
  after(async () => {
    await teardown.run();
  });

  async function ask(prompt: string, chunks: string[]): Promise<void> {
    const chat = webviewFrame(browser.page);
    await fake.enqueue([{ type: 'text', chunks }]);
    await chat.getByTestId('prompt').fill(prompt, { timeout: STEP_MS });
    await chat.getByTestId('send').click({ timeout: STEP_MS });
    const answer = chat.locator('[data-testid="message-assistant"][data-state="done"]').last();
    await answer.filter({ hasText: chunks.join('') }).or(chat.getByTestId('error')).first().waitFor({ timeout: STEP_MS });
    const error = chat.getByTestId('error');
    if (await error.count()) {
      assert.fail(`The chat showed an error instead of the answer: ${(await error.first().innerText()).trim()}`);
    }
  }

  /** What the proxy saw for the fake provider; code-server also sends its marketplace requests there. */
  function toFake() {
    return proxy.seen.filter(({ target }) => target.includes(new URL(fake.url).host));
  }

  function serverEnvironment(pid: string): Record<string, string> {
    const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  }

  function languageServerPids(): string[] {
    const pattern = `dist/server/server.js --storage ${server.userDataDir}`;
    try {
      return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  }

  test('the provider call goes through the proxy set in http.proxy', async () => {
    try {
      await runCommand(browser.page, 'Tollgate: Set API Key');
      await pickQuickItem(browser.page, 'Anthropic');
      await answerInputBox(browser.page, KEY);
      await runCommand(browser.page, 'Tollgate: Open Chat');

      await ask('Through the proxy, please.', ['Proxied', ' answer ☕']);
      const path = '/v1/messages';
      assert.deepEqual(
        toFake().map(({ kind, target }) => ({ kind, target })),
        [{ kind: 'forward', target: `${fake.url}${path}` }],
        'the proxy saw the provider request',
      );
      assert.equal((await fake.requests()).length, 1);

      // The proxy reached the server as its environment, the way keys do.
      const [pid] = languageServerPids();
      assert.ok(pid, 'the language server is running');
      assert.equal(serverEnvironment(pid)['HTTP_PROXY'], proxy.url);
      console.log(`screenshot: ${await browser.screenshot('proxy-chat')}`);
    } catch (error) {
      const shot = await browser.screenshot('proxy-failure').catch(() => 'no screenshot');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nScreenshot: ${shot}`, { cause: error });
    }
  });
});
