// The features bundle loads after activation: commands used before then wait for it, one load serves
// everyone, deactivation stops what was loaded, and every contributed command is forwarded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CommandHandler, contributedCommandIds, LazyFeatures } from '../../client/src/lazyFeatures';

/** A scheduler the test runs by hand, standing in for setImmediate. */
function manualScheduler(): { schedule: (run: () => void) => void; runAll: () => void; pending: () => number } {
  const queue: (() => void)[] = [];
  return {
    schedule: (run) => queue.push(run),
    runAll: () => queue.splice(0).forEach((run) => run()),
    pending: () => queue.length,
  };
}

interface FakeFeatures {
  stopped: number;
  deactivate(): void;
}

function fakeFeatures(commands: Record<string, CommandHandler>) {
  const loads: FakeFeatures[] = [];
  const loader = (registerCommand: (id: string, handler: CommandHandler) => () => void): FakeFeatures => {
    for (const [id, handler] of Object.entries(commands)) {
      registerCommand(id, handler);
    }
    const features: FakeFeatures = {
      stopped: 0,
      deactivate() {
        features.stopped++;
      },
    };
    loads.push(features);
    return features;
  };
  return { loader, loads };
}

test('loadSoon loads the features on a later turn, not inside the caller', () => {
  const scheduler = manualScheduler();
  const { loader, loads } = fakeFeatures({});
  const lazy = new LazyFeatures(loader, scheduler.schedule);
  lazy.loadSoon(() => assert.fail('the load should not fail'));
  assert.equal(loads.length, 0, 'nothing is loaded while activate() runs');
  scheduler.runAll();
  assert.equal(loads.length, 1);
});

test('a command run before the features are loaded waits for them, then runs with its arguments', async () => {
  const scheduler = manualScheduler();
  const calls: unknown[][] = [];
  const { loader, loads } = fakeFeatures({ 'tollgate.raiseBudget': (...args) => (calls.push(args), 'raised') });
  const lazy = new LazyFeatures(loader, scheduler.schedule);
  lazy.loadSoon(() => assert.fail('the load should not fail'));

  const result = lazy.run('tollgate.raiseBudget', [2.5]);
  assert.deepEqual(await result, 'raised');
  assert.deepEqual(calls, [[2.5]]);
  scheduler.runAll(); // the scheduled load finds the features already loaded by the command
  assert.equal(loads.length, 1, 'one load serves the command and the scheduled load');
});

test('commands and the view share one load', async () => {
  const scheduler = manualScheduler();
  const { loader, loads } = fakeFeatures({ 'tollgate.openChat': () => 'opened', 'tollgate.newChat': () => 'new' });
  const lazy = new LazyFeatures(loader, scheduler.schedule);
  const results = await Promise.all([lazy.run('tollgate.openChat', []), lazy.get(), lazy.run('tollgate.newChat', [])]);
  assert.deepEqual([results[0], results[2]], ['opened', 'new']);
  assert.equal(results[1], loads[0]);
  assert.equal(loads.length, 1);
});

test('a failed load rejects the commands waiting for it and is reported once', async () => {
  const scheduler = manualScheduler();
  const reported: unknown[] = [];
  const lazy = new LazyFeatures(() => {
    throw new Error('Cannot find module ./features.js');
  }, scheduler.schedule);
  lazy.loadSoon((error) => reported.push(error));
  await assert.rejects(lazy.run('tollgate.openChat', []), /Cannot find module/);
  scheduler.runAll();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(reported.length, 1);
});

test('a command the features did not register fails with a sentence naming it', async () => {
  const { loader } = fakeFeatures({});
  const lazy = new LazyFeatures(loader, manualScheduler().schedule);
  await assert.rejects(lazy.run('tollgate.unknown', []), /no handler for the command tollgate\.unknown/);
});

test('stop deactivates loaded features, and before any load it loads nothing', async () => {
  const loaded = fakeFeatures({});
  const lazy = new LazyFeatures(loaded.loader, manualScheduler().schedule);
  const features = await lazy.get();
  await lazy.stop();
  assert.equal(features.stopped, 1);

  const scheduler = manualScheduler();
  const never = fakeFeatures({});
  const early = new LazyFeatures(never.loader, scheduler.schedule);
  early.loadSoon(() => undefined);
  await early.stop();
  scheduler.runAll();
  assert.equal(never.loads.length, 0, 'a load scheduled before deactivation does not start after it');
  await assert.rejects(early.get(), /shutting down/);
});

test('a handler removed by its disposer no longer runs', async () => {
  let remove: (() => void) | undefined;
  const lazy = new LazyFeatures((registerCommand) => {
    remove = registerCommand('tollgate.showUsage', () => 'shown');
    return { deactivate: () => undefined };
  }, manualScheduler().schedule);
  assert.equal(await lazy.run('tollgate.showUsage', []), 'shown');
  remove?.();
  await assert.rejects(lazy.run('tollgate.showUsage', []), /no handler/);
});

test("every command in package.json is forwarded from activation", () => {
  const packageJson: unknown = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
  const ids = contributedCommandIds(packageJson);
  assert.equal(ids.length, (packageJson as { contributes: { commands: unknown[] } }).contributes.commands.length);
  for (const id of ['tollgate.openChat', 'tollgate.extractEntities', 'tollgate.showUsage', 'tollgate.setApiKey']) {
    assert.ok(ids.includes(id), `${id} is forwarded`);
  }
  assert.deepEqual(contributedCommandIds({}), []);
  assert.deepEqual(contributedCommandIds(undefined), []);
});
