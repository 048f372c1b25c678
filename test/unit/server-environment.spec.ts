// The process tuning the extension starts the language server with (server/src/nodeFlags.ts), as it
// reaches the server's environment through the client's pure serverEnvironment().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverEnvironment } from '../../client/src/serverEnvironment';
import { serverProcessEnvironment } from '../../server/src/nodeFlags';

const noKeys = { anthropic: undefined, openai: undefined };

test('the server starts with one malloc arena, so memory freed by its helper threads is not kept per thread', () => {
  assert.equal(serverProcessEnvironment['MALLOC_ARENA_MAX'], '1');
  const environment = serverEnvironment({ PATH: '/bin' }, noKeys);
  assert.equal(environment['MALLOC_ARENA_MAX'], '1');
  assert.equal(environment['PATH'], '/bin');
});

test("a MALLOC_ARENA_MAX the user's environment sets wins over the server's default", () => {
  const environment = serverEnvironment({ MALLOC_ARENA_MAX: '4' }, noKeys);
  assert.equal(environment['MALLOC_ARENA_MAX'], '4');
});

