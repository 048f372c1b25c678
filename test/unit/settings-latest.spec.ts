/**
 * A call runs with the settings the user had when they made it: a change announced just before the call,
 * or made while the server was starting (before it registered for announcements), is pulled first.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { type FakeProvider } from '../fake-provider';
import { startAgainstFake, type ServerUnderTest } from './support/lspHarness';

let fake: FakeProvider;
let server: ServerUnderTest;
let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
  close = undefined;
});

const messages = [{ role: 'user' as const, content: 'hi' }];
const modelOf = (index: number) => (fake.requests[index]?.body as { model?: string } | undefined)?.model;

async function start(): Promise<Record<string, unknown>> {
  ({ fake, server, close } = await startAgainstFake('anthropic', 'sk-ant-settings', { model: 'model-under-test' }));
  return {
    provider: 'anthropic',
    anthropic: { baseUrl: fake.anthropicBaseUrl },
    pricing: { 'model-under-test': { inputPerMTok: 1, outputPerMTok: 2 }, 'model-switched': { inputPerMTok: 1, outputPerMTok: 2 } },
  };
}

test('a change announced right before a call is the one the call uses', async () => {
  const base = await start();
  fake.enqueue({ type: 'text', chunks: ['ok'] });
  // No wait for the server's pull: the chat request follows the notification on the wire at once.
  await server.announceSettings({ ...base, model: 'model-switched' });
  const { result, error } = await server.chat({ messages });
  assert.equal(error, undefined);
  assert.equal(result?.text, 'ok');
  assert.equal(modelOf(0), 'model-switched');
});

test('a change made while the server was starting, before it asked to hear of changes, is picked up', async () => {
  const base = await start();
  // The server's registration for change announcements is still in flight: this change is announced to nobody.
  server.replaceSettingsQuietly({ ...base, model: 'model-switched' });
  fake.enqueue({ type: 'text', chunks: ['ok'] });
  const { result } = await server.chat({ messages });
  assert.equal(result?.text, 'ok');
  assert.equal(modelOf(0), 'model-switched');
});
