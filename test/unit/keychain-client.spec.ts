/**
 * One OS keychain call through the helper process (server/src/keychain/keychainClient.ts): against a real
 * Secret Service of the test's own (support/privateKeyring.ts; skipped, with the reason, where gnome-keyring
 * and dbus are not installed), without any Secret Service, against a locked keyring, and with a helper that
 * never answers, which must be killed when its time is up.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { classifyKeychainError } from '../../server/src/keychain/keychainCall';
import { callKeychain, describeKeychainProblem, type HelperCommand, type KeychainOutcome } from '../../server/src/keychain/keychainClient';
import { type PrivateKeyring, secretServiceMissing, startPrivateKeyring } from './support/privateKeyring';
import { waitUntil } from './support/lspHarness';

const root = join(import.meta.dirname, '..', '..');
/** The real helper, from source. */
const helper: HelperCommand = { command: process.execPath, args: ['--import', 'tsx', join(root, 'server/src/keychain/keychainHelper.ts')] };
const fakeHelper = join(import.meta.dirname, 'support', 'fakeKeychainHelper.mjs');
const service = 'tollgate-test';
const minute = 60_000;

function problemOf(outcome: KeychainOutcome): string | undefined {
  return outcome.ok ? undefined : outcome.problem;
}

test('without a Secret Service on the session bus the call fails at once, saying the keychain cannot be reached', async () => {
  const outcome = await callKeychain(
    { op: 'get', service, account: 'anthropic' },
    { helper, timeoutMs: 2 * minute, env: { PATH: process.env['PATH'], DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tollgate-bus' } },
  );
  assert.equal(problemOf(outcome), 'unavailable', JSON.stringify(outcome));
  assert.ok(!outcome.ok);
  const message = describeKeychainProblem(outcome, 'anthropic', 2 * minute);
  assert.match(message, /could not reach the OS keychain \(.*Failed to connect to socket.*\)\. On Linux the keychain is a Secret Service/);
  assert.match(message, /or set ANTHROPIC_API_KEY instead\.$/);
});

test('a helper that never answers is killed when the time is up, and the outcome says the keychain did not answer', async () => {
  const pidFile = join(mkdtempSync(join(tmpdir(), 'tollgate-hang-')), 'pid');
  // A shell starts in a moment, well within the limit, so the pid file is written before the kill.
  const hanging = { command: '/bin/sh', args: ['-c', `echo $$ > ${pidFile}; exec sleep 600`] };
  const outcome = await callKeychain({ op: 'get', service, account: 'openai' }, { helper: hanging, timeoutMs: 1000 });
  assert.equal(problemOf(outcome), 'timedOut');
  // The helper wrote its pid before hanging (the call was made); SIGKILL then ends it.
  const pid = Number(readFileSafe(pidFile));
  assert.ok(pid > 0, 'the hanging helper was started');
  await waitUntil(() => !alive(pid), `the hanging helper (pid ${pid}) to be killed`);
  assert.ok(!outcome.ok);
  assert.match(describeKeychainProblem(outcome, 'openai', 1000), /did not answer within 1 s; it is probably locked and waiting for you to unlock it.*or set OPENAI_API_KEY instead/);
});

test('a helper that ends without an answer is a failure that says so, not a missing key', async () => {
  const outcome = await callKeychain({ op: 'get', service, account: 'openai' }, { helper: { command: process.execPath, args: [fakeHelper, 'crash'] }, timeoutMs: 2 * minute });
  assert.deepEqual(outcome, { ok: false, problem: 'failed', detail: 'the keychain helper ended (exit code 3) without an answer: fake helper: crashed on purpose' });
});

test('a helper that cannot be started is a failure naming the cause', async () => {
  const outcome = await callKeychain({ op: 'get', service, account: 'openai' }, { helper: { command: '/nonexistent/node', args: [] }, timeoutMs: 2 * minute });
  assert.equal(problemOf(outcome), 'failed');
  assert.match(outcome.ok ? '' : outcome.detail, /could not be started \(.*ENOENT/);
});

test("keyring-rs's messages map to the problems users can act on", () => {
  const get = { op: 'get' as const, service, account: 'anthropic' };
  const set = { op: 'set' as const, service, account: 'anthropic', secret: 'x' };
  const cases: [Parameters<typeof classifyKeychainError>, string][] = [
    [['open', get, 'Platform failure: DBus error: Failed to connect to socket /nonexistent: No such file or directory'], 'unavailable'],
    [['open', get, 'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files'], 'unavailable'],
    [['call', get, "Couldn't access platform storage: Secret Service: unlock prompt was dismissed"], 'locked'],
    [['call', set, "Couldn't access platform storage: Secret Service: no result found"], 'noKeyring'],
    [['call', get, 'Something else entirely'], 'failed'],
  ];
  for (const [args, problem] of cases) {
    assert.equal(classifyKeychainError(...args), problem, args[2]);
  }
});

describe('with a Secret Service', { skip: secretServiceMissing() }, () => {
  let keyring: PrivateKeyring;
  before(() => {
    keyring = startPrivateKeyring();
  });
  after(() => keyring.close());
  const options = () => ({ helper, timeoutMs: 2 * minute, env: keyring.env });

  test('stores, reads and deletes a key as a Secret Service item (service, username = provider)', async () => {
    const key = 'sk-ant-roundtrip-1357';
    assert.deepEqual(await callKeychain({ op: 'get', service, account: 'anthropic' }, options()), { ok: true, secret: null });
    assert.deepEqual(await callKeychain({ op: 'set', service, account: 'anthropic', secret: key }, options()), { ok: true });
    assert.deepEqual(await callKeychain({ op: 'get', service, account: 'anthropic' }, options()), { ok: true, secret: key });
    // In the Secret Service itself, not the kernel keyring @napi-rs/keyring falls back to when not pinned.
    const lookup = spawnSync('secret-tool', ['lookup', 'service', service, 'username', 'anthropic'], { env: keyring.env, encoding: 'utf8' });
    if (!lookup.error) {
      assert.equal(lookup.stdout, key);
    }
    assert.deepEqual(await callKeychain({ op: 'delete', service, account: 'anthropic' }, options()), { ok: true, deleted: true });
    assert.deepEqual(await callKeychain({ op: 'delete', service, account: 'anthropic' }, options()), { ok: true, deleted: false });
  });

  test('a locked keyring fails at once (no display for the unlock prompt) and says it is locked', async () => {
    await callKeychain({ op: 'set', service, account: 'openai', secret: 'sk-locked-2468' }, options());
    keyring.lock();
    const outcome = await callKeychain({ op: 'get', service, account: 'openai' }, options());
    assert.equal(problemOf(outcome), 'locked', JSON.stringify(outcome));
    assert.ok(!outcome.ok);
    assert.match(describeKeychainProblem(outcome, 'openai', 2 * minute), /The OS keychain is locked and could not ask you to unlock it/);
    assert.ok(!JSON.stringify(outcome).includes('sk-locked-2468'));
  });
});

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
