// Negative controls for the UI harness: a broken setup must fail fast and say why, not hang.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runHostTests } from './harness/host-tests';
import { startSession } from './harness/session';
import { Teardown } from './harness/teardown';
import { withTimeout } from './harness/timeout';
import { runCommand } from './harness/workbench';

describe('negative controls', { timeout: 300_000 }, () => {
  test('without the extension, opening the chat fails with a clear message', async () => {
    const teardown = new Teardown();
    try {
      const { browser } = await startSession(teardown, 'no-extension', { withExtension: false });
      const attempt = runCommand(browser.page, 'Tollgate: Open Chat', 5_000);
      await assert.rejects(withTimeout(attempt, 30_000, 'the harness reported the missing command'), (error: Error) => {
        assert.match(error.message, /command palette has no command "Tollgate: Open Chat".*Is the extension installed/s);
        return true;
      });
    } finally {
      await teardown.run();
    }
  });

  test('without the smoke-test driver, the in-host run times out with a message instead of hanging', async () => {
    const teardown = new Teardown();
    try {
      await assert.rejects(runHostTests(teardown, { name: 'host-no-driver', withoutSmokeDriver: true, timeoutMs: 20_000 }), /enable-smoke-test-driver/);
    } finally {
      await teardown.run();
    }
  });
});
