// The in-host mocha suite (test/e2e/host/) inside code-server's extension host, plus its negative
// control: the same run with one deliberately failing test must report a non-zero exit code.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runHostTests } from './harness/host-tests';
import { Teardown } from './harness/teardown';

describe('in-host tests', { timeout: 400_000 }, () => {
  test('pass inside the extension host', async () => {
    const teardown = new Teardown();
    try {
      const { exitCode, log } = await runHostTests(teardown, { name: 'host' });
      assert.equal(exitCode, 0, `The in-host suite failed:\n${log}`);
      assert.match(log, /passing/, 'mocha reported nothing: did the suite run at all?');
    } finally {
      await teardown.run();
    }
  });

  test('negative control: a failing in-host test fails the run', async () => {
    const teardown = new Teardown();
    try {
      const { exitCode, log } = await runHostTests(teardown, { name: 'host-negative', negativeControl: true });
      assert.notEqual(exitCode, 0, `A deliberately failing test did not fail the run:\n${log}`);
      assert.match(log, /fails on purpose/);
    } finally {
      await teardown.run();
    }
  });
});
