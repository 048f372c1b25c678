/**
 * createProvider() keeps one adapter (one SDK client) per provider and endpoint for as long as the key is
 * the same, so calls do not pay for building a client; a different key or endpoint gets its own. That a
 * kept adapter still follows proxy variables changed between calls is covered by proxy.spec.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProvider } from '../../server/src/providers';

test('calls to the same provider, endpoint and key share one adapter', () => {
  const first = createProvider('anthropic', { apiKey: 'sk-ant-reuse-1', baseUrl: 'http://127.0.0.1:9/reuse' });
  const second = createProvider('anthropic', { apiKey: 'sk-ant-reuse-1', baseUrl: 'http://127.0.0.1:9/reuse' });
  assert.equal(second, first);
});

test('another key, endpoint or provider gets its own adapter', () => {
  const base = createProvider('openai', { apiKey: 'sk-reuse-1', baseUrl: 'http://127.0.0.1:9/v1' });
  const otherKey = createProvider('openai', { apiKey: 'sk-reuse-2', baseUrl: 'http://127.0.0.1:9/v1' });
  assert.notEqual(otherKey, base);
  const otherEndpoint = createProvider('openai', { apiKey: 'sk-reuse-2', baseUrl: 'http://127.0.0.1:8/v1' });
  assert.notEqual(otherEndpoint, otherKey);
  const otherProvider = createProvider('anthropic', { apiKey: 'sk-reuse-2', baseUrl: 'http://127.0.0.1:8/v1' });
  assert.notEqual(otherProvider, otherEndpoint);
  // The adapter for the new key replaced the old one: the old key is not kept once it is no longer used.
  assert.notEqual(createProvider('openai', { apiKey: 'sk-reuse-1', baseUrl: 'http://127.0.0.1:9/v1' }), base);
});
