// The chat panel as a person uses it, in a real VS Code (code-server + Chromium), against the fake
// provider: the missing-key call to action, streaming with highlighted code, multi-turn context on the
// wire, insert at cursor, Ask About Selection, hostile markdown, Stop and Retry, a 1 MB answer with
// auto-scroll, the provider/model picker, history after a reload, the editor tab, and screenshots of the
// view in light, dark and high-contrast themes (test-results/chat-view-*.png).
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { artifactPath } from './harness/paths';
import type { Session } from './harness/session';
import { startSession } from './harness/session';
import { screenshotOnFailure } from './harness/screenshotOnFailure';
import { Teardown } from './harness/teardown';
import { waitFor } from './harness/timeout';
import { answerInputBox, pickQuickItem, runCommand } from './harness/workbench';

const ANTHROPIC_KEY = 'sk-ant-e2e-panel-key-0001';
const OPENAI_KEY = 'sk-openai-e2e-panel-key-0001';
const STEP_MS = 30_000;

/** The chat webview at `index` (0: the side bar; 1: the editor tab once it is open). */
function chatAt(page: Page, index = 0): FrameLocator {
  return page.locator('iframe.webview.ready').nth(index).contentFrame().frameLocator('iframe#active-frame');
}

/** The messages the fake received in the body of a request, as role/content pairs. */
function messagesOf(body: unknown): { role: string; content: unknown }[] {
  const messages = (body as { messages?: unknown }).messages;
  assert.ok(Array.isArray(messages), `The request has no messages: ${JSON.stringify(body).slice(0, 300)}`);
  return messages as { role: string; content: unknown }[];
}

/** Anthropic sends content as a string or as text blocks; either way, the text. */
function textOf(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  return Array.isArray(content) ? content.map((block: { text?: string }) => block.text ?? '').join('') : '';
}

describe('the chat panel in a real VS Code', { timeout: 600_000 }, () => {
  const teardown = new Teardown();
  let session: Session | undefined;

  before(async () => {
    session = await startSession(teardown, 'chat-panel', {
      // A local model has no bundled price; a workspace price of 0 lets the budget admit it (the picker test).
      workspaceFiles: {
        '.vscode/settings.json': JSON.stringify({ 'tollgate.pricing': { 'llama3.1': { inputPerMTok: 0, outputPerMTok: 0 } } }),
      },
    });
  });
  after(async () => {
    await teardown.run();
  });

  const shot = <T>(name: string, body: (s: Session) => Promise<T>) => screenshotOnFailure(session, name, body);

  async function sendPrompt(chat: FrameLocator, text: string): Promise<void> {
    await chat.getByTestId('prompt').fill(text, { timeout: STEP_MS });
    await chat.getByTestId('send').click({ timeout: STEP_MS });
  }

  const lastAnswer = (chat: FrameLocator, state = 'done') =>
    chat.locator(`[data-testid="message-assistant"][data-state="${state}"]`).last();

  test('without a key the view offers Set API Key, and a prompt fails with that action, not a stack trace', () =>
    shot('panel-missing-key', async ({ browser, fake }) => {
      const { page } = browser;
      await runCommand(page, 'Tollgate: Open Chat');
      const chat = chatAt(page);
      const banner = chat.getByTestId('key-missing');
      await banner.waitFor({ state: 'visible', timeout: STEP_MS });
      assert.match(await banner.innerText(), /Anthropic API key/);

      await sendPrompt(chat, 'Are you there?');
      const failed = lastAnswer(chat, 'error');
      await failed.waitFor({ timeout: STEP_MS });
      const error = chat.getByTestId('error').last();
      assert.equal(await error.getAttribute('data-kind'), 'authentication');
      const shown = await error.innerText();
      assert.doesNotMatch(shown, /\bat \w+ \(|Error:|stack/i, `The error looks like a stack trace: ${shown}`);
      assert.equal((await chat.getByTestId('error-action').last().innerText()).trim(), 'Set API Key');
      assert.equal((await fake.requests()).length, 0, 'A request without a key reached the provider.');

      await chat.getByTestId('key-missing-action').click({ timeout: STEP_MS });
      await pickQuickItem(page, 'Anthropic');
      await answerInputBox(page, ANTHROPIC_KEY);
      await banner.waitFor({ state: 'hidden', timeout: STEP_MS });
    }),
  );

  test('an answer streams in with a highlighted code block, and the next turn sends the whole conversation', () =>
    shot('panel-multi-turn', async ({ browser, fake }) => {
      const chat = chatAt(browser.page);
      await fake.reset();
      await fake.enqueue([
        {
          type: 'text',
          chunks: ['Here is a function:\n\n', '```typescript\n', 'export function answer(): number {\n', '  return 42;\n}\n', '```\n', '\nCall it once.'],
          chunkDelayMs: 10,
        },
        { type: 'text', chunks: ['It returns ', '42.'] },
      ]);
      await sendPrompt(chat, 'Write a TypeScript function that returns 42.');
      const first = lastAnswer(chat);
      await first.filter({ hasText: 'Call it once.' }).waitFor({ timeout: STEP_MS });
      const block = first.getByTestId('code-block');
      assert.equal(await block.count(), 1);
      assert.ok((await block.locator('.hljs-keyword').count()) > 0, 'The code block is not syntax-highlighted.');
      assert.equal((await block.locator('.code-language').innerText()).trim(), 'typescript');

      await sendPrompt(chat, 'What does it return?');
      await lastAnswer(chat).filter({ hasText: 'It returns 42.' }).waitFor({ timeout: STEP_MS });
      const requests = await fake.requests();
      assert.equal(requests.length, 2);
      const sent = messagesOf(requests[1]?.body).map((m) => [m.role, textOf(m.content)]);
      assert.deepEqual(sent.slice(-3), [
        ['user', 'Write a TypeScript function that returns 42.'],
        ['assistant', 'Here is a function:\n\n```typescript\nexport function answer(): number {\n  return 42;\n}\n```\n\nCall it once.'],
        ['user', 'What does it return?'],
      ]);
    }),
  );

  test('Insert at cursor puts a code block into the editor, and Ask About Selection quotes the code', () =>
    shot('panel-insert', async ({ browser, server }) => {
      const { page } = browser;
      const file = join(server.workspace, 'notes.ts');
      writeFileSync(file, '// notes\n');
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('notes.ts');
      await pickQuickItem(page, 'notes.ts');
      const editor = page.locator('.editor-instance .monaco-editor').first();
      await editor.locator('.view-lines').filter({ hasText: '// notes' }).waitFor({ timeout: STEP_MS });
      await editor.locator('.view-lines').click();
      await page.keyboard.press('Control+End');

      const chat = chatAt(page);
      const firstCode = chat.getByTestId('code-block').first();
      await firstCode.getByTestId('code-insert').click({ timeout: STEP_MS });
      await editor.locator('.view-lines').filter({ hasText: 'return 42;' }).waitFor({ timeout: STEP_MS });
      await page.keyboard.press('Control+S');
      const saved = await waitFor(
        () => (readFileSync(file, 'utf8').includes('return 42;') ? readFileSync(file, 'utf8') : undefined),
        STEP_MS,
        'notes.ts was saved with the inserted code',
      );
      assert.equal(saved, '// notes\nexport function answer(): number {\n  return 42;\n}\n');

      await editor.locator('.view-lines').click();
      await page.keyboard.press('Control+A');
      await runCommand(page, 'Tollgate: Ask About Selection');
      const prompt = chat.getByTestId('prompt');
      await waitFor(async () => ((await prompt.inputValue()).includes('return 42;') ? true : undefined), STEP_MS, 'the selection reached the prompt');
      const value = await prompt.inputValue();
      assert.match(value, /^About `notes\.ts` \(lines 1–4, typescript\):\n\n```typescript\n\/\/ notes\nexport function answer/);
      await prompt.fill('');
    }),
  );

  test('hostile markdown in an answer executes nothing', () =>
    shot('panel-hostile', async ({ browser, fake }) => {
      const chat = chatAt(browser.page);
      await fake.enqueue([
        {
          type: 'text',
          chunks: [
            'Try <script>document.body.dataset.pwned = "script"</script> this.\n\n',
            '<img src="x" onerror="document.body.dataset.pwned = \'img\'">\n\n',
            '[click me](javascript:document.body.dataset.pwned=\'link\') and <a href="javascript:alert(1)">raw</a>\n\n',
            '<iframe src="https://example.com"></iframe> done',
          ],
        },
      ]);
      await sendPrompt(chat, 'Show me something hostile.');
      const answer = lastAnswer(chat).filter({ hasText: 'done' });
      await answer.waitFor({ timeout: STEP_MS });
      assert.equal(await answer.locator('script, img, iframe').count(), 0, 'Model HTML became elements.');
      assert.equal(await answer.locator('a[href^="javascript" i]').count(), 0, 'A javascript: link is clickable.');
      assert.match(await answer.innerText(), /<script>/, 'The raw HTML is not shown as text.');
      const link = answer.getByText('click me');
      if (await link.count()) {
        await link.click({ timeout: STEP_MS }).catch(() => undefined);
      }
      assert.equal(await chat.locator('body').getAttribute('data-pwned'), null, 'Model output ran code.');
    }),
  );

  test('Stop keeps the partial answer marked stopped and hangs up; Retry asks again', () =>
    shot('panel-stop-retry', async ({ browser, fake }) => {
      const chat = chatAt(browser.page);
      await fake.reset();
      await fake.enqueue([{ type: 'stall', chunks: ['Half of'] }, { type: 'text', chunks: ['A whole', ' answer.'] }]);
      await sendPrompt(chat, 'This one will stall.');
      await chat.getByTestId('message-assistant').last().filter({ hasText: 'Half of' }).waitFor({ timeout: STEP_MS });
      await chat.getByTestId('stop').click({ timeout: STEP_MS });
      const stopped = lastAnswer(chat, 'stopped');
      await stopped.waitFor({ timeout: STEP_MS });
      assert.match(await stopped.innerText(), /Half of[\s\S]*Stopped\./);
      await waitFor(async () => (await fake.requests()).find((r) => r.clientHungUp), STEP_MS, 'the fake saw the client hang up');

      await stopped.getByTestId('retry').click({ timeout: STEP_MS });
      await lastAnswer(chat).filter({ hasText: 'A whole answer.' }).waitFor({ timeout: STEP_MS });
      assert.equal(await chat.locator('[data-state="stopped"]').count(), 0, 'The retried answer is still shown.');
      const requests = await fake.requests();
      assert.equal(requests.length, 2);
      const retried = messagesOf(requests[1]?.body);
      assert.equal(textOf(retried.at(-1)?.content), 'This one will stall.');
    }),
  );

  test('a 1 MB answer renders and scrolls; scrolling up stops the auto-scroll', () =>
    shot('panel-huge', async ({ browser, fake }) => {
      const chat = chatAt(browser.page);
      const paragraph = `${'All work and no play makes a long answer. '.repeat(24)}\n\n`; // ~1 KB
      const chunks = Array.from({ length: 1024 }, (_, index) => `${index}: ${paragraph}`);
      const size = chunks.join('').length;
      assert.ok(size >= 1_000_000);
      await fake.enqueue([{ type: 'text', chunks, chunkDelayMs: 3 }]);
      await sendPrompt(chat, 'Write a very long answer.');
      const transcript = chat.getByTestId('transcript');
      // Once the view scrolls, the user scrolls up; the stream must leave them there.
      await waitFor(
        () => transcript.evaluate((el) => (el.scrollHeight > el.clientHeight * 3 ? true : undefined)),
        STEP_MS,
        'the answer filled the view',
      );
      // A real wheel turn upwards, as a person scrolls, then all the way to the top.
      await transcript.hover({ timeout: STEP_MS });
      await browser.page.mouse.wheel(0, -400);
      await transcript.evaluate((el) => {
        el.scrollTop = 0;
      });
      const answer = lastAnswer(chat).filter({ hasText: '1023: All work' });
      await answer.waitFor({ timeout: 120_000 });
      const position = await transcript.evaluate((el) => ({ top: el.scrollTop, height: el.scrollHeight, client: el.clientHeight }));
      assert.ok(position.top < 50, `The view scrolled away from where the user put it: ${JSON.stringify(position)}`);
      assert.ok(position.height > 100 * position.client, `The answer is not all there: ${JSON.stringify(position)}`);
      await chat.getByTestId('scroll-to-end').click({ timeout: STEP_MS });
      const end = await transcript.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
      assert.ok(end < 50, `Scroll to the end left ${end}px below.`);
      const rendered = (await answer.textContent())?.length ?? 0;
      assert.ok(rendered > 0.95 * size, `Only ${rendered} of ${size} characters rendered.`);
    }),
  );

  test('the header picker writes tollgate.provider and a free-form tollgate.model, and requests use them', () =>
    shot('panel-picker', async ({ browser, fake }) => {
      const { page } = browser;
      // llama3.1's price of 0 is in the workspace's settings from the start (see `before`).
      await runCommand(page, 'Tollgate: Set API Key');
      await pickQuickItem(page, 'OpenAI');
      await answerInputBox(page, OPENAI_KEY);

      const chat = chatAt(page);
      await chat.getByTestId('provider-select').selectOption('openai', { timeout: STEP_MS });
      const model = chat.getByTestId('model');
      await model.filter({ hasText: 'gpt-' }).waitFor({ timeout: STEP_MS });
      await model.click({ timeout: STEP_MS });
      await answerInputBox(page, 'llama3.1');
      await model.filter({ hasText: /^llama3\.1$/ }).waitFor({ timeout: STEP_MS });

      await fake.reset();
      await fake.enqueue([{ type: 'text', chunks: ['Hello from', ' a local model.'] }]);
      await sendPrompt(chat, 'Which model are you?');
      await lastAnswer(chat).filter({ hasText: 'Hello from a local model.' }).waitFor({ timeout: STEP_MS });
      const [request] = await fake.requests();
      assert.equal(request?.api, 'openai');
      assert.equal((request?.body as { model?: string }).model, 'llama3.1');
    }),
  );

  test('history survives a reload; New Chat starts empty and the list switches back', () =>
    shot('panel-history', async ({ browser }) => {
      const { page } = browser;
      /** Each message as "state: first 40 characters". */
      const messages = async (chat: FrameLocator) => {
        const all = chat.locator('[data-testid^="message-"]');
        const shown: string[] = [];
        for (let index = 0; index < (await all.count()); index++) {
          const message = all.nth(index);
          shown.push(`${await message.getAttribute('data-state')}: ${((await message.textContent()) ?? '').slice(0, 40)}`);
        }
        return shown;
      };
      const shown = await messages(chatAt(page));
      const before = shown.length;
      assert.ok(before >= 10);
      assert.match(shown.at(-1) ?? '', /^done: Hello from a local model\./);
      // Developer: Reload Window, as a user reloads: a new extension host reads the history back.
      const reloaded = page.waitForEvent('load', { timeout: 60_000 });
      await runCommand(page, 'Developer: Reload Window');
      await reloaded;
      await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
      await runCommand(page, 'Tollgate: Open Chat');
      const chat = chatAt(page);
      await chat.getByTestId('message-user').filter({ hasText: 'Write a TypeScript function that returns 42.' }).waitFor({ timeout: STEP_MS });
      assert.deepEqual(await messages(chat), shown);

      await chat.getByTestId('new-chat').click({ timeout: STEP_MS });
      await waitFor(async () => ((await chat.locator('[data-testid^="message-"]').count()) === 0 ? true : undefined), STEP_MS, 'New Chat emptied the transcript');
      await sendPrompt(chat, 'A second conversation.');
      await lastAnswer(chat).waitFor({ timeout: STEP_MS });

      await chat.getByTestId('history').click({ timeout: STEP_MS });
      const rows = chat.getByTestId('chat-row');
      await rows.nth(1).waitFor({ timeout: STEP_MS });
      assert.equal(await rows.count(), 2);
      assert.equal((await rows.nth(0).innerText()).trim(), 'A second conversation.');
      await rows.nth(1).getByTestId('chat-open').click({ timeout: STEP_MS });
      await chat.getByTestId('message-user').filter({ hasText: 'Write a TypeScript function that returns 42.' }).waitFor({ timeout: STEP_MS });
      assert.equal(await chat.locator('[data-testid^="message-"]').count(), before);
    }),
  );

  test('screenshots of the view in light, dark and high-contrast themes', () =>
    shot('panel-themes', async ({ browser }) => {
      const { page } = browser;
      const chat = chatAt(page);
      // Show the exchange with code.
      await chat.getByTestId('message-user').filter({ hasText: 'TypeScript function' }).first().scrollIntoViewIfNeeded();
      for (const [theme, file] of [
        ['Light Modern', 'chat-view-light.png'],
        ['Dark Modern', 'chat-view-dark.png'],
        ['Dark High Contrast', 'chat-view-high-contrast.png'],
      ] as const) {
        await runCommand(page, 'Preferences: Color Theme');
        // The list is long and virtualised: filter it so the theme's row exists.
        await page.locator('.quick-input-widget input').fill(theme);
        await pickQuickItem(page, theme);
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_MS });
        const themeClass = theme.startsWith('Light') ? 'vs' : theme.includes('High Contrast') ? 'hc-black' : 'vs-dark';
        await page.locator(`.monaco-workbench.${themeClass}`).waitFor({ timeout: STEP_MS });
        await page.locator('#workbench\\.parts\\.sidebar').screenshot({ path: artifactPath(file), timeout: STEP_MS });
        console.log(`screenshot: ${artifactPath(file)}`);
      }
    }),
  );

  test('Open Chat in Editor shows the same conversation in an editor tab', () =>
    shot('panel-editor-tab', async ({ browser }) => {
      const { page } = browser;
      const count = await chatAt(page).locator('[data-testid^="message-"]').count();
      await runCommand(page, 'Tollgate: Open Chat in Editor');
      await page.locator('iframe.webview.ready').nth(1).waitFor({ timeout: STEP_MS });
      const tab = chatAt(page, 1);
      await tab.getByTestId('message-user').first().waitFor({ timeout: STEP_MS });
      assert.equal(await tab.locator('[data-testid^="message-"]').count(), count);
      await page.screenshot({ path: artifactPath('chat-editor-tab.png') });
    }),
  );
});
