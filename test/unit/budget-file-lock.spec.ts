/** The ledger's cross-process lock: mutual exclusion, and breaking only locks that are really stale. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileLock } from '../../server/src/budget/fileLock';

function lockPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'tollgate-lock-')), 'ledger.lock');
}

const owner = { pid: process.pid, host: hostname(), instance: 'test' };

test('the critical section runs while the lock file exists, and the file is gone after', async () => {
  const path = lockPath();
  const lock = new FileLock(path, owner, { isAlive: () => true });
  const seen = await lock.withLock(() => existsSync(path));
  assert.equal(seen, true);
  assert.equal(existsSync(path), false);
});

test('a lock held by a live process is waited for, not broken', async () => {
  const path = lockPath();
  writeFileSync(path, `${process.pid} ${hostname()} other ${Date.now()}`);
  const lock = new FileLock(path, owner, { isAlive: () => true, timeoutMs: 300 });
  await assert.rejects(lock.withLock(() => undefined), /could not lock its budget ledger .* held by process \d+/);
});

test('a lock whose process is gone is broken', async () => {
  const path = lockPath();
  writeFileSync(path, `999999 ${hostname()} other ${Date.now()}`);
  const lock = new FileLock(path, owner, { isAlive: (pid) => pid !== 999999, timeoutMs: 2000 });
  assert.equal(await lock.withLock(() => 'ran'), 'ran');
});

test('a lock just created but not yet written is not mistaken for a stale one', async () => {
  const path = lockPath();
  writeFileSync(path, '');
  const lock = new FileLock(path, owner, { isAlive: () => false, timeoutMs: 300 });
  await assert.rejects(lock.withLock(() => undefined), /could not lock/);
  assert.equal(existsSync(path), true, 'the fresh lock was broken');
});

test('an empty lock older than staleMs (its holder died between create and write) is broken', async () => {
  const path = lockPath();
  writeFileSync(path, '');
  const old = new Date(Date.now() - 60_000);
  utimesSync(path, old, old);
  const lock = new FileLock(path, owner, { isAlive: () => true, staleMs: 10_000, timeoutMs: 2000 });
  assert.equal(await lock.withLock(() => 'ran'), 'ran');
});
