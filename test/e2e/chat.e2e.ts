// The chat as a person uses it, in a real VS Code (code-server + Chromium): set an Anthropic key from the
// command palette, open the chat, send a prompt, watch a multi-chunk answer stream in; then stop a
// stalled answer; then kill the language server mid-answer. The fake provider answers and records what
// reached it.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Session } from './harness/session';
import { startSession } from './harness/session';
import { screenshotOnFailure } from './harness/screenshotOnFailure';
import { Teardown } from './harness/teardown';
import { waitFor } from './harness/timeout';
import { answerInputBox, pickQuickItem, runCommand, webviewFrame } from './harness/workbench';

const KEY = 'sk-ant-e2e-fake-key-0001';
const STEP_MS = 30_000;

describe('chat in a real VS Code', { timeout: 300_000 }, () => {
  const teardown = new Teardown();
  let session: Session | undefined;

  before(async () => {
    session = await startSession(teardown, 'chat');
  });
  after(async () => {
    await teardown.run();
  });

  const shot = <T>(name: string, body: (s: Session) => Promise<T>) => screenshotOnFailure(session, name, body);

  test('streams a multi-chunk answer exactly, with the key and prompt on the wire', () =>
    shot('chat', async ({ browser, fake }) => {
      const { page } = browser;
      await runCommand(page, 'Tollgate: Set API Key');
      await pickQuickItem(page, 'Anthropic');
      await answerInputBox(page, KEY);

      await runCommand(page, 'Tollgate: Open Chat');
      const chat = webviewFrame(page);
      const prompt = 'Say hello to the e2e test — naïve café';
      await fake.enqueue([{ type: 'text', chunks: ['Hello', ' from', ' the', ' fake — café ☕'], chunkDelayMs: 20 }]);
      await chat.getByTestId('prompt').fill(prompt, { timeout: STEP_MS });
      await chat.getByTestId('send').click({ timeout: STEP_MS });

      const answer = chat.locator('[data-testid="message-assistant"][data-state="done"]').last();
      // Done or an error, whichever shows first: an error fails at once, with the text the user saw.
      await answer.or(chat.getByTestId('error')).first().waitFor({ state: 'visible', timeout: STEP_MS });
      const error = chat.getByTestId('error');
      if (await error.count()) {
        assert.fail(`The chat showed an error instead of the answer: ${(await error.first().innerText()).trim()}`);
      }
      assert.equal((await answer.innerText()).trim(), 'Hello from the fake — café ☕');

      const requests = await fake.requests();
      assert.equal(requests.length, 1, `The fake saw ${requests.length} requests; expected exactly one.`);
      const [request] = requests;
      assert.equal(request?.api, 'anthropic');
      // Anthropic's SDK sends an API key as x-api-key, a token as Authorization: Bearer; either carries the key.
      const { 'x-api-key': xApiKey, authorization } = request?.headers ?? {};
      const sent = typeof xApiKey === 'string' ? xApiKey : /^Bearer (.+)$/.exec(String(authorization))?.[1];
      assert.equal(sent, KEY, `The key set in VS Code did not reach the provider; headers: ${JSON.stringify(request?.headers)}`);
      assert.ok(JSON.stringify(request?.body).includes(JSON.stringify(prompt).slice(1, -1)), 'The prompt is not in the request body.');
      console.log(`screenshot: ${await browser.screenshot('chat-answered')}`);
    }),
  );

  test('Stop hangs up on a stalled answer', () =>
    shot('chat-stop', async ({ browser, fake }) => {
      const chat = webviewFrame(browser.page);
      await fake.reset();
      await fake.enqueue([{ type: 'stall', chunks: ['Thinking'] }]);
      await chat.getByTestId('prompt').fill('This answer will stall.', { timeout: STEP_MS });
      await chat.getByTestId('send').click({ timeout: STEP_MS });
      // The partial answer on screen proves the stream reached the view before we stop it.
      await chat.getByTestId('message-assistant').last().filter({ hasText: 'Thinking' }).waitFor({ timeout: STEP_MS });
      await chat.getByTestId('stop').click({ timeout: STEP_MS });

      const request = await waitFor(
        async () => (await fake.requests()).find((r) => r.clientHungUp),
        STEP_MS,
        'the fake recorded that the client hung up after Stop',
      );
      assert.equal(request.responseEnded, false);
      console.log(`screenshot: ${await browser.screenshot('chat-stopped')}`);
    }),
  );
  test('a language server killed mid-answer keeps the partial answer, says so, and the next prompt works', () =>
    shot('chat-server-killed', async ({ browser, fake, server }) => {
      const chat = webviewFrame(browser.page);
      await fake.reset();
      await fake.enqueue([{ type: 'stall', chunks: ['Half an answer'] }]);
      await chat.getByTestId('prompt').fill('This answer loses its server.', { timeout: STEP_MS });
      await chat.getByTestId('send').click({ timeout: STEP_MS });
      await chat.getByTestId('message-assistant').last().filter({ hasText: 'Half an answer' }).waitFor({ timeout: STEP_MS });

      // The language server of this session only: its --storage lies under this code-server's user-data dir.
      const pattern = `dist/server/server.js --storage ${server.userDataDir}`;
      const pids = execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n');
      assert.equal(pids.length, 1, `expected one Tollgate server process, found: ${pids.join(', ')}`);
      process.kill(Number(pids[0]), 'SIGKILL');

      const failed = chat.locator('[data-testid="message-assistant"][data-state="error"]').last();
      await failed.waitFor({ timeout: STEP_MS });
      assert.match(await failed.innerText(), /Half an answer/);
      const error = (await chat.getByTestId('error').last().innerText()).trim();
      assert.match(error, /server/i, `The error shown does not say the server failed: ${error}`);
      // The prompt is given back, so nothing the user typed is lost.
      assert.equal(await chat.getByTestId('prompt').inputValue(), 'This answer loses its server.');

      // vscode-languageclient restarts a crashed server; the next prompt is answered.
      await fake.enqueue([{ type: 'text', chunks: ['Back', ' again'] }]);
      await chat.getByTestId('send').click({ timeout: STEP_MS });
      const answer = chat.locator('[data-testid="message-assistant"][data-state="done"]').last();
      await answer.filter({ hasText: 'Back again' }).waitFor({ timeout: STEP_MS });
      console.log(`screenshot: ${await browser.screenshot('chat-server-killed')}`);
    }),
  );
});
