// Debian's Chromium driven by playwright-core (never `npx playwright install`: it downloads a browser,
// which these machines cannot). Flags from shared/recipes/real-vscode.md: without the background-
// networking ones Chromium keeps dialling hosts this machine's closed network refuses.
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureChromium } from '../../../scripts/e2e-deps.mjs';
import { artifactPath, runDir } from './paths';
import type { Teardown } from './teardown';

const FLAGS = [
  '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-window PNG under test-results/ and returns its path. */
  screenshot(name: string): Promise<string>;
}

/** A headless Chromium with a throwaway profile and XDG homes; closed at teardown. */
export async function launchBrowser(teardown: Teardown, name: string): Promise<Browser> {
  const dir = runDir(teardown, `${name}-chromium`);
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: ensureChromium(),
    env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'xdg-config'), XDG_CACHE_HOME: join(dir, 'xdg-cache'), TMPDIR: dir },
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
    timeout: 60_000,
  });
  teardown.defer('close Chromium', () => context.close());
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async screenshot(name) {
      const path = artifactPath(`${name}.png`);
      await page.screenshot({ path, timeout: 15_000 });
      return path;
    },
  };
}
