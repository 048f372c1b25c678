// The chat as a person uses it, in a real VS Code (code-server + Chromium): set an Anthropic key from the
// command palette, open the chat, send a prompt, watch a multi-chunk answer stream in; then stop a
// stalled answer. The fake provider answers and records what reached it.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Session } from './harness/session';
import { startSession } from './harness/session';
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

  /** Runs a test body; on failure keeps a screenshot of what the workbench showed. */
  async function shot<T>(name: string, body: (s: Session) => Promise<T>): Promise<T> {
    assert.ok(session, 'The session did not start (see the before hook).');
    try {
      return await body(session);
    } catch (error) {
      const path = await session.browser.screenshot(`${name}-failure`).catch(() => 'no screenshot');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nScreenshot: ${path}`, { cause: error });
    }
  }

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
});
