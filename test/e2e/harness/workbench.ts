// Driving VS Code's workbench as a person does: the command palette, quick picks, input boxes, and the
// webviews that sit two iframes deep. Each step fails with a sentence saying what was missing, rather
// than a bare locator timeout, so a broken run explains itself.
import type { FrameLocator, Page } from 'playwright-core';

const WORKBENCH_TIMEOUT_MS = 60_000;
const PICK_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 30_000;

/** Opens `url` and waits until the workbench is on screen. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url, { timeout: WORKBENCH_TIMEOUT_MS });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
  // The status bar appears once the workbench has restored its parts and the remote host is connected.
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
}

const quickInput = (page: Page) => page.locator('.quick-input-widget');

/**
 * Runs a command by its palette title (e.g. "Tollgate: Open Chat"). The palette lists the commands known
 * when it opens and does not refresh, and right after start-up the extension host may not have reported
 * an extension's contributions yet: so it reopens the palette until the command shows or time runs out.
 */
export async function runCommand(page: Page, title: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = quickInput(page).locator('input');
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: PICK_TIMEOUT_MS });
    await input.fill(`>${title}`);
    try {
      await pickRow(page, title, Math.min(2_000, Math.max(deadline - Date.now(), 1)));
      return;
    } catch (error) {
      if (Date.now() < deadline) {
        await page.keyboard.press('Escape');
        await input.waitFor({ state: 'hidden', timeout: PICK_TIMEOUT_MS });
        continue;
      }
      const listed = await listedRows(page);
      await page.keyboard.press('Escape');
      throw new Error(
        `The command palette has no command "${title}" after ${timeoutMs} ms (it lists: ${listed || 'nothing'}). ` +
          'Is the extension installed, and did it activate?',
        { cause: error },
      );
    }
  }
}

/** Picks the quick-pick item whose label is `label` (a provider, a model …). */
export async function pickQuickItem(page: Page, label: string, timeoutMs = PICK_TIMEOUT_MS): Promise<void> {
  try {
    await pickRow(page, label, timeoutMs);
  } catch (error) {
    throw new Error(`The quick pick offers no "${label}" (it lists: ${(await listedRows(page)) || 'nothing'}).`, {
      cause: error,
    });
  }
}

/** Types `text` into the open input box (e.g. an API key prompt) and accepts it with Enter. */
export async function answerInputBox(page: Page, text: string, timeoutMs = PICK_TIMEOUT_MS): Promise<void> {
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(text);
  await input.press('Enter');
  await quickInput(page).waitFor({ state: 'hidden', timeout: timeoutMs });
}

async function pickRow(page: Page, label: string, timeoutMs: number): Promise<void> {
  const row = quickInput(page)
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: label }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}

async function listedRows(page: Page): Promise<string> {
  const rows = await quickInput(page)
    .locator('.quick-input-list .monaco-list-row .label-name')
    .allInnerTexts()
    .catch(() => []);
  return rows.map((row) => `"${row}"`).join(', ');
}

/**
 * The content frame of the (only) ready webview. VS Code hosts each webview in an outer iframe
 * (`iframe.webview.ready`) whose inner `iframe#active-frame` holds the extension's HTML.
 */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}
