// Retries as a person sees them, in a real VS Code (code-server + Chromium): a live countdown while the
// server waits to retry an overloaded provider, then the answer; Cancel during the countdown ends it with
// no further request; an answer that failed after some text is kept once, marked interrupted, and Retry
// sends the prompt again; a rate limit too long to wait for says until when.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Session } from './harness/session';
import { startSession } from './harness/session';
import { screenshotOnFailure } from './harness/screenshotOnFailure';
import { Teardown } from './harness/teardown';
import { waitFor } from './harness/timeout';
import { answerInputBox, pickQuickItem, runCommand, webviewFrame } from './harness/workbench';

const KEY = 'sk-ant-e2e-fake-key-0002';
const STEP_MS = 30_000;

describe('retries in a real VS Code', { timeout: 300_000 }, () => {
  const teardown = new Teardown();
  let session: Session | undefined;

  before(async () => {
    session = await startSession(teardown, 'retry');
    const { page } = session.browser;
    await runCommand(page, 'Tollgate: Set API Key');
    await pickQuickItem(page, 'Anthropic');
    await answerInputBox(page, KEY);
    await runCommand(page, 'Tollgate: Open Chat');
  });
  after(async () => {
    await teardown.run();
  });

  const shot = <T>(name: string, body: (s: Session) => Promise<T>) => screenshotOnFailure(session, name, body);

  async function ask(s: Session, prompt: string): Promise<void> {
    const chat = webviewFrame(s.browser.page);
    await chat.getByTestId('prompt').fill(prompt, { timeout: STEP_MS });
    await chat.getByTestId('send').click({ timeout: STEP_MS });
  }

  test('an overloaded provider shows a live countdown, then the answer, once', () =>
    shot('retry-countdown', async (s) => {
      const chat = webviewFrame(s.browser.page);
      await s.fake.reset();
      // The provider asks for 6 s: long enough to watch the countdown tick, short for a test.
      await s.fake.enqueue([{ type: 'httpError', error: 'overloaded', retryAfterMs: 6000 }, { type: 'text', chunks: ['Second ', 'time lucky.'] }]);
      await ask(s, 'Will this be retried?');
      const countdown = chat.getByTestId('retry-countdown');
      await countdown.waitFor({ state: 'visible', timeout: STEP_MS });
      const first = (await countdown.innerText()).trim();
      assert.match(first, /The provider is overloaded\. Retrying in [2-6] s \(attempt 2 of 3\)\./);
      console.log(`screenshot: ${await s.browser.screenshot('retry-countdown')}`);
      // Live: the seconds count down while the server waits.
      const start = Number(await countdown.getAttribute('data-seconds'));
      await chat.locator(`[data-testid="retry-countdown"][data-seconds="${start - 1}"]`).waitFor({ timeout: STEP_MS });
      const answer = chat.locator('[data-testid="message-assistant"][data-state="done"]').last();
      await answer.waitFor({ timeout: STEP_MS });
      assert.equal((await answer.innerText()).trim(), 'Second time lucky.');
      assert.equal(await countdown.count(), 0, 'the countdown is gone once the answer arrives');
      assert.equal((await s.fake.requests()).length, 2);
    }),
  );

  test('Cancel during the countdown stops the request with no further attempt', () =>
    shot('retry-cancel', async (s) => {
      const chat = webviewFrame(s.browser.page);
      await s.fake.reset();
      await s.fake.enqueue([{ type: 'httpError', error: 'rateLimited', retryAfterMs: 50_000 }, { type: 'text', chunks: ['never'] }]);
      await ask(s, 'Cancel me while waiting.');
      const countdown = chat.getByTestId('retry-countdown');
      await countdown.waitFor({ state: 'visible', timeout: STEP_MS });
      assert.match(await countdown.innerText(), /rate-limiting requests\. Retrying in (50|49) s/);
      await chat.getByTestId('retry-cancel').click({ timeout: STEP_MS });
      await chat.locator('[data-testid="message-assistant"][data-state="stopped"]').last().waitFor({ timeout: STEP_MS });
      assert.equal(await countdown.count(), 0);
      assert.equal((await s.fake.requests()).length, 1, 'no request after Cancel');
    }),
  );

  test('an answer cut off after some text is kept once, marked interrupted, and Retry asks again', () =>
    shot('retry-interrupted', async (s) => {
      const chat = webviewFrame(s.browser.page);
      await s.fake.reset();
      await s.fake.enqueue([
        { type: 'streamError', chunks: ['The first ', 'half', ' never'], afterChunks: 2, error: 'overloaded' },
        { type: 'text', chunks: ['The whole ', 'answer.'] },
      ]);
      await ask(s, 'Tell me everything.');
      const failed = chat.locator('[data-testid="message-assistant"][data-state="error"]').last();
      await failed.waitFor({ timeout: STEP_MS });
      assert.equal(await failed.getAttribute('data-interrupted'), 'true');
      assert.equal((await failed.locator('.body').innerText()).trim(), 'The first half', 'the partial text, exactly once');
      assert.match(await failed.getByTestId('error').innerText(), /^The answer was interrupted\. .*overloaded/);
      assert.equal((await s.fake.requests()).length, 1, 'not retried automatically after text arrived');
      console.log(`screenshot: ${await s.browser.screenshot('retry-interrupted')}`);

      assert.equal(await chat.getByTestId('prompt').inputValue(), 'Tell me everything.', 'the prompt is given back');
      await failed.getByTestId('error-action').filter({ hasText: 'Retry' }).click({ timeout: STEP_MS });
      // The host answers Retry by taking the failed exchange out; the view then clears the prompt it gave back.
      await waitFor(async () => ((await chat.getByTestId('prompt').inputValue()) === '' ? true : undefined), STEP_MS, 'Retry sends the prompt, so the box is cleared');
      const answer = chat.locator('[data-testid="message-assistant"][data-state="done"]').last();
      await answer.filter({ hasText: 'The whole answer.' }).waitFor({ timeout: STEP_MS });
      assert.equal(await chat.locator('[data-interrupted="true"]').count(), 0, 'the retried answer replaces the interrupted one');
      const requests = await s.fake.requests();
      assert.equal(requests.length, 2);
      assert.match(JSON.stringify(requests[1]?.body), /Tell me everything\./);
      assert.doesNotMatch(JSON.stringify(requests[1]?.body), /The first half/, 'the interrupted answer is not sent as history');
    }),
  );

  test('a rate limit longer than a minute is not waited out: it says until when, with Retry', () =>
    shot('retry-long-wait', async (s) => {
      const chat = webviewFrame(s.browser.page);
      await s.fake.reset();
      await s.fake.enqueue([{ type: 'httpError', error: 'rateLimited', retryAfterSeconds: 180 }]);
      await ask(s, 'Too busy?');
      const failed = chat.locator('[data-testid="message-assistant"][data-state="error"]').last();
      await failed.waitFor({ timeout: STEP_MS });
      const text = await failed.getByTestId('error').innerText();
      assert.match(text, /asked to wait 3 minutes/);
      assert.match(text, /Rate limited until \d{1,2}:\d{2}/);
      assert.equal((await failed.getByTestId('error-action').innerText()).trim(), 'Retry');
      assert.equal((await s.fake.requests()).length, 1);
      console.log(`screenshot: ${await s.browser.screenshot('retry-long-wait')}`);

      // Retry asks the last prompt again, so once another answer follows, the old failure no longer offers it.
      await s.fake.enqueue([{ type: 'text', chunks: ['Not any more.'] }]);
      await ask(s, 'And now?');
      await chat.locator('[data-testid="message-assistant"][data-state="done"]').last().filter({ hasText: 'Not any more.' }).waitFor({ timeout: STEP_MS });
      assert.equal(await failed.getByTestId('error-action').isVisible(), false, 'Retry is offered on the last answer only');
    }),
  );
});
