/** The ledger's cross-process lock: mutual exclusion, and breaking only locks that are really stale. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { FileLock, processIsAlive } from '../../server/src/budget/fileLock';

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

/** Resolves once `condition` holds, looking every few ms (no timing is asserted). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

test('a waiter that lost the race goes next: a call arriving as the lock is released waits behind it', async () => {
  const path = lockPath();
  // Another live process holds the lock.
  writeFileSync(path, `${process.pid} ${hostname()} holder ${Date.now()}`);
  const order: string[] = [];
  const waiter = new FileLock(path, { ...owner, instance: 'waiter' }, { isAlive: () => true });
  const waited = waiter.withLock(() => order.push('waiter'));
  await until(() => existsSync(`${path}.next`));
  // The holder lets go and — like a busy process — asks again at once, while the waiter is asleep.
  unlinkSync(path);
  const holder = new FileLock(path, { ...owner, instance: 'holder' }, { isAlive: () => true });
  await Promise.all([waited, holder.withLock(() => order.push('holder'))]);
  assert.deepEqual(order, ['waiter', 'holder']);
  assert.equal(existsSync(`${path}.next`), false, 'the claim is left behind');
});

test('every one of several waiters gets its turn, and each call runs alone', async () => {
  const path = lockPath();
  writeFileSync(path, `${process.pid} ${hostname()} holder ${Date.now()}`);
  let inside = 0;
  const ran: number[] = [];
  const calls = Array.from({ length: 6 }, (_, i) =>
    new FileLock(path, { ...owner, instance: `w${i}` }, { isAlive: () => true }).withLock(() => {
      inside++;
      assert.equal(inside, 1, 'two calls ran at once');
      ran.push(i);
      inside--;
    }),
  );
  await until(() => existsSync(`${path}.next`));
  unlinkSync(path);
  await Promise.all(calls);
  assert.deepEqual([...ran].sort(), [0, 1, 2, 3, 4, 5]);
});

test('a claim of a live process is respected: nobody else takes the free lock', async () => {
  const path = lockPath();
  writeFileSync(`${path}.next`, `${process.pid} ${hostname()} other.0 ${Date.now()}`);
  const lock = new FileLock(path, owner, { isAlive: () => true, timeoutMs: 300 });
  await assert.rejects(lock.withLock(() => undefined), /could not lock/);
  assert.equal(existsSync(`${path}.next`), true, 'the claim was broken');
});

test('a claim whose process is gone (killed while waiting) is broken', async () => {
  const path = lockPath();
  writeFileSync(`${path}.next`, `999999 ${hostname()} other.0 ${Date.now()}`);
  const lock = new FileLock(path, owner, { isAlive: (pid) => pid !== 999999, timeoutMs: 5000 });
  assert.equal(await lock.withLock(() => 'ran'), 'ran');
});

test('a claim older than a turn can take is broken even if its pid runs (the pid was reused)', async () => {
  const path = lockPath();
  writeFileSync(`${path}.next`, `${process.pid} ${hostname()} other.0 ${Date.now() - 60_000}`);
  const lock = new FileLock(path, owner, { isAlive: () => true, timeoutMs: 5000 });
  assert.equal(await lock.withLock(() => 'ran'), 'ran');
});

test('a lock whose holder is killed while a claimant waits is taken over by the claimant', async () => {
  const path = lockPath();
  let holderAlive = true;
  writeFileSync(path, `424242 ${hostname()} holder ${Date.now()}`);
  const lock = new FileLock(path, owner, { isAlive: (pid) => pid !== 424242 || holderAlive, timeoutMs: 5000 });
  const ran = lock.withLock(() => 'ran');
  await until(() => existsSync(`${path}.next`));
  holderAlive = false;
  assert.equal(await ran, 'ran');
});

test('a process killed with SIGKILL while holding the lock, with a claimant waiting, blocks nobody', { timeout: 60_000 }, async () => {
  const path = lockPath();
  // A real process takes the lock and stops inside its critical section, as if the kill hit it there.
  const script =
    `const { FileLock, processIsAlive } = require(${JSON.stringify(join(__dirname, '../../server/src/budget/fileLock.ts'))});` +
    `new FileLock(${JSON.stringify(path)}, { pid: process.pid, host: require('node:os').hostname(), instance: 'doomed' }, { isAlive: processIsAlive })` +
    `.withLock(() => { process.stdout.write('held\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve()));
  const lock = new FileLock(path, owner, { isAlive: processIsAlive });
  const order: string[] = [];
  const first = lock.withLock(() => order.push('claimant'));
  await until(() => existsSync(`${path}.next`));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  await Promise.all([first, lock.withLock(() => order.push('later'))]);
  assert.deepEqual(order, ['claimant', 'later']);
  assert.equal(existsSync(path), false);
  assert.equal(existsSync(`${path}.next`), false);
});
