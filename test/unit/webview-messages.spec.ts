// The chat webview is untrusted input: the host accepts only the messages of the protocol, exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxCodeLength, maxPromptLength, webviewMessageSchema } from '../../client/src/chat/webviewProtocol';

const valid: unknown[] = [
  { type: 'ready' },
  { type: 'send', text: 'What is a toll gate?' },
  { type: 'send', text: 'line one\nline two' },
  { type: 'stop' },
  { type: 'runAction', action: 'setApiKey' },
  { type: 'runAction', action: 'showServerOutput' },
  { type: 'newChat' },
  { type: 'switchChat', id: 'c1a2b3' },
  { type: 'deleteChat', id: 'c1a2b3' },
  { type: 'retry' },
  { type: 'copyMessage', id: 'm2' },
  { type: 'copyCode', text: 'const a = 1;\n' },
  { type: 'insertCode', text: 'x'.repeat(maxCodeLength) },
  { type: 'setProvider', provider: 'openai' },
  { type: 'pickModel' },
];

const garbage: unknown[] = [
  undefined,
  null,
  42,
  'send',
  [],
  {},
  { type: 'unknown' },
  { type: 'send' },
  { type: 'send', text: 7 },
  { type: 'send', text: '' },
  { type: 'send', text: '   \n\t ' },
  { type: 'send', text: 'x'.repeat(maxPromptLength + 1) },
  { type: 'send', text: 'hi', apiKey: 'sk-smuggled' },
  { type: 'runAction', action: 'deleteEverything' },
  { type: 'runAction' },
  { type: 'stop', extra: true },
  { type: ['send'], text: 'hi' },
  { type: 'switchChat' },
  { type: 'switchChat', id: '' },
  { type: 'deleteChat', id: 'c'.repeat(101) },
  { type: 'copyMessage', id: 2 },
  { type: 'copyCode', text: '' },
  { type: 'insertCode', text: 'x'.repeat(maxCodeLength + 1) },
  { type: 'insertCode', text: 'x', editor: 'file:///etc/passwd' },
  { type: 'setProvider', provider: 'evil' },
  { type: 'setProvider', provider: 'openai', baseUrl: 'http://attacker' },
  { type: 'pickModel', model: 'x' },
  { type: 'retry', id: 'm2' },
];

test('every message of the protocol is accepted as sent', () => {
  for (const message of valid) {
    const parsed = webviewMessageSchema.safeParse(message);
    assert.ok(parsed.success, JSON.stringify(message));
    assert.deepEqual(parsed.data, message);
  }
});

test('garbage is rejected, not coerced', () => {
  for (const message of garbage) {
    const shown = JSON.stringify(message)?.slice(0, 80);
    assert.equal(webviewMessageSchema.safeParse(message).success, false, shown);
  }
});

test('a prompt of exactly the maximum length is accepted', () => {
  assert.ok(webviewMessageSchema.safeParse({ type: 'send', text: 'x'.repeat(maxPromptLength) }).success);
});
