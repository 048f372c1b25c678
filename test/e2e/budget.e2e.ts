// The daily budget as a person meets it, in a real VS Code (code-server + Chromium), with a budget of
// $0.02: the status-bar meter moves after a chat; the next call, whose worst case no longer fits, is
// refused before it reaches the provider and a notification offers to raise today's budget; raising it
// lets the call through; clicking the meter opens the usage view.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { after, before, describe, test } from 'node:test';
import type { Session } from './harness/session';
import { startSession } from './harness/session';
import { screenshotOnFailure } from './harness/screenshotOnFailure';
import { Teardown } from './harness/teardown';
import { waitFor } from './harness/timeout';
import { answerInputBox, pickQuickItem, runCommand, webviewFrame } from './harness/workbench';

const KEY = 'sk-ant-e2e-budget-key-0001';
const STEP_MS = 30_000;

/** The meter: the status-bar entry whose text ends with "/ $<budget>". */
function meter(page: Page, budget: string) {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item').filter({ hasText: `/ ${budget}` });
}

describe('the daily budget in a real VS Code', { timeout: 300_000 }, () => {
  const teardown = new Teardown();
  let session: Session | undefined;

  before(async () => {
    session = await startSession(teardown, 'budget', { settings: { 'tollgate.budget.dailyUsd': 0.02 } });
  });
  after(async () => {
    await teardown.run();
  });

  const shot = <T>(name: string, body: (s: Session) => Promise<T>) => screenshotOnFailure(session, name, body);

  async function send(page: Page, prompt: string): Promise<void> {
    const chat = webviewFrame(page);
    await chat.getByTestId('prompt').fill(prompt, { timeout: STEP_MS });
    await chat.getByTestId('send').click({ timeout: STEP_MS });
  }

  test('the meter shows the spend after a chat', () =>
    shot('budget-meter', async ({ browser, fake }) => {
      const { page } = browser;
      await runCommand(page, 'Tollgate: Set API Key');
      await pickQuickItem(page, 'Anthropic');
      await answerInputBox(page, KEY);
      await meter(page, '$0.02').filter({ hasText: '$0.00 /' }).waitFor({ timeout: STEP_MS });

      await runCommand(page, 'Tollgate: Open Chat');
      // claude-sonnet-5-5: 100 × $2 + 1000 × $10 per million tokens = $0.0102.
      await fake.enqueue([{ type: 'text', chunks: ['Paid', ' answer'], usage: { inputTokens: 100, outputTokens: 1000 } }]);
      await send(page, 'What does this cost?');
      const chat = webviewFrame(page);
      await chat.locator('[data-testid="message-assistant"][data-state="done"]').last().filter({ hasText: 'Paid answer' }).waitFor({ timeout: STEP_MS });
      await meter(page, '$0.02').filter({ hasText: '$0.01 /' }).waitFor({ timeout: STEP_MS });
      console.log(`screenshot: ${await browser.screenshot('budget-meter-after-chat')}`);
    }),
  );

  test('a call that would pass the budget is refused before any request, and raising the budget lets it through', () =>
    shot('budget-exceeded', async ({ browser, fake }) => {
      const { page } = browser;
      await fake.reset();
      await send(page, 'One more, please.');
      // Its worst case ($0.0102 for 1024 output tokens and the prompt) no longer fits the $0.0098 left.
      const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'could cost up to' });
      await toast.waitFor({ timeout: STEP_MS });
      // What the call would cost, what is left: to the tenth of a cent, so the two can be compared.
      assert.match(
        (await toast.innerText()).replace(/\s+/g, ' '),
        /could cost up to \$0\.01\d\d .* only \$0\.0098 of today's \$0\.02 budget is left \(\$0\.0102 spent\)/,
      );
      assert.equal((await fake.requests()).length, 0, 'The refused call reached the provider.');
      console.log(`screenshot: ${await browser.screenshot('budget-exceeded')}`);

      await toast.getByRole('button', { name: "Raise Today's Budget" }).click({ timeout: STEP_MS });
      await answerInputBox(page, '1');
      await meter(page, '$1.02').waitFor({ timeout: STEP_MS });

      await fake.enqueue([{ type: 'text', chunks: ['Now it fits'], usage: { inputTokens: 100, outputTokens: 10 } }]);
      await send(page, 'One more, please.');
      await webviewFrame(page)
        .locator('[data-testid="message-assistant"][data-state="done"]')
        .last()
        .filter({ hasText: 'Now it fits' })
        .waitFor({ timeout: STEP_MS });
      assert.equal((await fake.requests()).length, 1);
    }),
  );

  test("clicking the meter opens the usage view with today's calls and the 30-day chart", () =>
    shot('budget-usage-view', async ({ browser }) => {
      const { page } = browser;
      await meter(page, '$1.02').click({ timeout: STEP_MS });
      const view = await waitFor(
        async () => {
          for (const frame of page.frames()) {
            if (await frame.locator('[data-testid="usage-chart"]').count().catch(() => 0)) {
              return frame;
            }
          }
          return undefined;
        },
        STEP_MS,
        'the usage view showed its chart',
      );
      const calls = await view.locator('[data-testid="usage-calls"] tbody tr').count();
      assert.equal(calls, 2, 'The usage view should list the two answered calls.');
      console.log(`screenshot: ${await browser.screenshot('budget-usage-view')}`);
    }),
  );
});
