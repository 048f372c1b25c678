// The chat view's header: which model answers, the offline-demo label, and when it offers Set API Key —
// never for a server on this computer called without a key, never before SecretStorage has answered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { viewStatus } from '../../client/src/chat/viewStatus';
import { offlineDemoLabel } from '../../client/src/offlineDemo';
import { defaultModels } from '../../server/src/settings';

const openaiAt = (openaiBaseUrl: string) => ({ provider: 'openai' as const, model: '', anthropicBaseUrl: '', openaiBaseUrl });

test('a provider with no stored key gets the Set API Key offer', () => {
  const status = viewStatus({ settings: openaiAt(''), offlineDemo: undefined, storedKeys: { openai: false } });
  assert.deepEqual(status, { provider: 'openai', model: defaultModels.openai, keyMissing: true });
});

test('a stored key, or SecretStorage not yet read, means no offer', () => {
  assert.equal(viewStatus({ settings: openaiAt(''), offlineDemo: undefined, storedKeys: { openai: true } }).keyMissing, undefined);
  assert.equal(viewStatus({ settings: openaiAt(''), offlineDemo: undefined, storedKeys: {} }).keyMissing, undefined);
});

test('an OpenAI-compatible server on this computer is called without a key, so there is no offer', () => {
  for (const url of ['http://localhost:11434/v1', 'http://127.0.0.1:8080/v1', 'http://[::1]:1234/v1']) {
    const status = viewStatus({ settings: openaiAt(url), offlineDemo: undefined, storedKeys: { openai: false } });
    assert.equal(status.keyMissing, undefined, url);
  }
});

test('a remote OpenAI-compatible server still needs a key', () => {
  const status = viewStatus({ settings: openaiAt('https://llm.example.com/v1'), offlineDemo: undefined, storedKeys: { openai: false } });
  assert.equal(status.keyMissing, true);
});

test('Anthropic on a loopback base URL still needs a key (keyless calls are for OpenAI-compatible servers)', () => {
  const settings = { provider: 'anthropic' as const, model: 'claude-x', anthropicBaseUrl: 'http://127.0.0.1:9000', openaiBaseUrl: '' };
  assert.deepEqual(viewStatus({ settings, offlineDemo: undefined, storedKeys: { anthropic: false } }), {
    provider: 'anthropic',
    model: 'claude-x',
    keyMissing: true,
  });
});

test('in the offline demo the view shows the demo label instead of the offer', () => {
  const offlineDemo = { url: 'http://127.0.0.1:4100', providers: ['openai' as const] };
  const status = viewStatus({ settings: openaiAt(''), offlineDemo, storedKeys: { openai: false } });
  assert.deepEqual(status, { provider: 'openai', model: defaultModels.openai, offlineDemoLabel });
});
