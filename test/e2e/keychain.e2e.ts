// Inside VS Code the keys are SecretStorage's alone: even with a Secret Service on the session bus holding
// a Tollgate key (the item a standalone server would use), a chat without a key stored in VS Code fails
// with the missing-key error that tells of no keychain lookup, and nothing reaches the provider, because
// the extension starts the language server with TOLLGATE_KEYCHAIN=off. Skipped, with the reason, where
// gnome-keyring and dbus are missing.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { callKeychain, keychainService } from '../../server/src/keychain/keychainClient';
import { type PrivateKeyring, secretServiceMissing, startPrivateKeyring } from '../unit/support/privateKeyring';
import type { Session } from './harness/session';
import { startSession } from './harness/session';
import { screenshotOnFailure } from './harness/screenshotOnFailure';
import { Teardown } from './harness/teardown';
import { runCommand, webviewFrame } from './harness/workbench';

const KEYCHAIN_KEY = 'sk-ant-e2e-in-os-keychain-0002';
const STEP_MS = 30_000;

describe('the OS keychain in a real VS Code', { timeout: 300_000, skip: secretServiceMissing() }, () => {
  const teardown = new Teardown();
  let keyring: PrivateKeyring | undefined;
  let session: Session | undefined;

  before(async () => {
    keyring = startPrivateKeyring();
    teardown.defer('the private Secret Service', () => keyring?.close());
    const options = {
      helper: { command: process.execPath, args: ['--import', 'tsx', join(import.meta.dirname, '../../server/src/keychain/keychainHelper.ts')] },
      timeoutMs: STEP_MS,
      env: keyring.env,
    };
    assert.deepEqual(await callKeychain({ op: 'set', service: keychainService, account: 'anthropic', secret: KEYCHAIN_KEY }, options), { ok: true });
    // Only the bus address: code-server keeps its own home and XDG folders.
    session = await startSession(teardown, 'keychain', { env: { DBUS_SESSION_BUS_ADDRESS: keyring.env['DBUS_SESSION_BUS_ADDRESS'] ?? '' } });
  });
  after(async () => {
    await teardown.run();
  });

  test('a chat without a key in VS Code fails with the missing-key error, and the keychain key is never used', () =>
    screenshotOnFailure(session, 'keychain', async ({ browser, fake }) => {
      const { page } = browser;
      await runCommand(page, 'Tollgate: Open Chat');
      const chat = webviewFrame(page);
      await fake.enqueue([{ type: 'text', chunks: ['answered with the keychain key'] }]);
      await chat.getByTestId('prompt').fill('hello', { timeout: STEP_MS });
      await chat.getByTestId('send').click({ timeout: STEP_MS });

      const error = chat.getByTestId('error');
      const answer = chat.locator('[data-testid="message-assistant"][data-state="done"]');
      await error.or(answer).first().waitFor({ state: 'visible', timeout: STEP_MS });
      assert.equal(await answer.count(), 0, `The chat answered: ${await answer.first().innerText().catch(() => '')}`);
      const message = await error.first().innerText();
      assert.match(message, /No API key is set for Anthropic/);
      // Not even asked: a lookup that failed would be in the message (the .vsix leaves out the keychain
      // binding, so a server that tried would report it could not reach the keychain).
      assert.doesNotMatch(message, /could not reach the OS keychain|keychain library|keychain is locked|did not answer within|keychain call failed/);
      const requests = await fake.requests();
      assert.equal(requests.length, 0, `The provider was called: ${JSON.stringify(requests.map((r) => r.headers))}`);
    }),
  );
});
