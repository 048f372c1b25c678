/**
 * How a standalone server finds a key missing from its environment (server/src/apiKeys.ts): in the OS
 * keychain, through the helper process, on the first call that needs it, never at start; a found key is
 * kept until the provider rejects it, a miss is not kept; a key in the environment wins; a keychain failure
 * reaches the missing-key error and the log. The helper here is a fake (support/fakeKeychainHelper.mjs) that counts its calls; the real
 * helper and keychain are tested in keychain-client.spec.ts and keychain-process.spec.ts. And the VS Code
 * client's server never looks in the keychain.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { serverEnvironment } from '../../client/src/serverEnvironment';
import { readEnvironment, serverKeychainTimeoutMs } from '../../server/src/environment';
import type { ApiKeys } from '../../server/src/environment';
import type { ProviderId } from '../../server/src/protocol';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { type ServerUnderTest, startServerUnderTest, waitUntil } from './support/lspHarness';

const fakeHelper = join(import.meta.dirname, 'support', 'fakeKeychainHelper.mjs');
const keychainKey = 'sk-ant-from-keychain-97531';
let fake: FakeProvider;
let server: ServerUnderTest | undefined;
let dir: string;
let callsFile: string;
let answerFile: string;

beforeEach(async () => {
  fake = await startFakeProvider();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-keychain-lookup-'));
  callsFile = join(dir, 'calls');
  answerFile = join(dir, 'answer');
});
afterEach(async () => {
  server?.close();
  server = undefined;
  await fake.close();
});

function answer(reply: object): void {
  writeFileSync(answerFile, JSON.stringify(reply));
}

/** The keychain calls the fake helper received, as "op account" lines. */
function calls(): string[] {
  return existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n') : [];
}

async function startStandalone(apiKeys: ApiKeys = {}, provider: ProviderId = 'anthropic'): Promise<ServerUnderTest> {
  server = await startServerUnderTest({
    apiKeys,
    keychain: { helper: { command: process.execPath, args: [fakeHelper, 'reply', callsFile, answerFile] }, timeoutMs: 60_000 },
    settings: { provider, anthropic: { baseUrl: fake.anthropicBaseUrl }, openai: { baseUrl: fake.openaiBaseUrl } },
  });
  const started = server;
  await waitUntil(() => started.logLines.some((line) => line.includes('ready')), 'the server to be ready');
  return started;
}

/** The key the last provider request carried (this SDK sends Anthropic's as a bearer token too). */
function keySent(): string | undefined {
  const headers = fake.requests.at(-1)?.headers ?? {};
  const key = headers['x-api-key'] ?? headers['authorization'];
  return (Array.isArray(key) ? key[0] : key)?.replace(/^Bearer /, '');
}

const hello = { messages: [{ role: 'user' as const, content: 'hello' }] };

test('a missing key is looked up on the first call that needs it, not at start, and a found key is kept', async () => {
  answer({ ok: true, secret: keychainKey });
  const server = await startStandalone();
  assert.deepEqual(calls(), [], 'nothing is looked up at start');
  assert.ok(server.logLines.some((line) => /API keys present for: none; missing keys are looked up in the OS keychain on first use/.test(line)));

  fake.enqueue({ type: 'text', chunks: ['from ', 'the keychain'] });
  const first = await server.chat(hello);
  assert.equal(first.result?.text, 'from the keychain', first.error?.message);
  assert.equal(keySent(), keychainKey);
  assert.deepEqual(calls(), ['get anthropic']);

  fake.enqueue({ type: 'text', chunks: ['again'] });
  assert.equal((await server.chat(hello)).result?.text, 'again');
  assert.equal(keySent(), keychainKey);
  assert.deepEqual(calls(), ['get anthropic'], 'the found key is kept');
  assert.ok(server.logLines.some((line) => line.includes('Using the anthropic API key from the OS keychain')));
  assert.ok(!server.logLines.join('\n').includes(keychainKey), 'the key is never logged');
});

test('calls arriving together start one lookup', async () => {
  answer({ ok: true, secret: keychainKey });
  const server = await startStandalone();
  fake.enqueue({ type: 'text', chunks: ['one'] });
  fake.enqueue({ type: 'text', chunks: ['two'] });
  const outcomes = await Promise.all([server.chat(hello), server.chat(hello)]);
  assert.deepEqual(outcomes.map((o) => o.result?.text).sort(), ['one', 'two']);
  assert.deepEqual(calls(), ['get anthropic']);
});

test('a key in the environment wins: the keychain is not asked for that provider', async () => {
  answer({ ok: true, secret: keychainKey });
  const server = await startStandalone({ anthropic: 'sk-ant-from-environment' });
  fake.enqueue({ type: 'text', chunks: ['env'] });
  await server.chat(hello);
  assert.equal(keySent(), 'sk-ant-from-environment');
  assert.deepEqual(calls(), []);
});

test('OpenAI: the key from the keychain is sent as its bearer token', async () => {
  answer({ ok: true, secret: 'sk-openai-from-keychain-8642' });
  const server = await startStandalone({}, 'openai');
  fake.enqueue({ type: 'text', chunks: ['openai'] });
  assert.equal((await server.chat(hello)).result?.text, 'openai');
  assert.equal(fake.requests.at(-1)?.headers['authorization'], 'Bearer sk-openai-from-keychain-8642');
  assert.deepEqual(calls(), ['get openai']);
});

test('a miss is not kept: the missing-key error names the keychain, and a key stored afterwards is found by the next call', async () => {
  answer({ ok: true, secret: null });
  const server = await startStandalone();
  const missing = await server.chat(hello);
  assert.equal(missing.error?.data?.kind, 'authentication');
  assert.match(missing.error?.message ?? '', /No API key is set for Anthropic.*\. .*set ANTHROPIC_API_KEY or store the key in the OS keychain with "node dist\/server\/server\.js keys set anthropic"\.$/);
  assert.equal(fake.requests.length, 0);

  answer({ ok: true, secret: keychainKey });
  fake.enqueue({ type: 'text', chunks: ['found now'] });
  assert.equal((await server.chat(hello)).result?.text, 'found now');
  assert.deepEqual(calls(), ['get anthropic', 'get anthropic']);
});

test('a keychain key the provider rejects is read again at the next call, so a key replaced with "keys set" works at once', async () => {
  answer({ ok: true, secret: 'sk-ant-revoked-1111' });
  const server = await startStandalone();
  fake.enqueue({ type: 'httpError', error: 'authentication' });
  const rejected = await server.chat(hello);
  assert.equal(rejected.error?.data?.kind, 'authentication');
  assert.equal(keySent(), 'sk-ant-revoked-1111');

  answer({ ok: true, secret: `${keychainKey}\n` });
  fake.enqueue({ type: 'text', chunks: ['new key'] });
  assert.equal((await server.chat(hello)).result?.text, 'new key');
  assert.equal(keySent(), keychainKey, 'the new key, trimmed');
  assert.deepEqual(calls(), ['get anthropic', 'get anthropic']);
});

test('a rejected key from the environment is not looked up again', async () => {
  answer({ ok: true, secret: keychainKey });
  const server = await startStandalone({ anthropic: 'sk-ant-env-rejected' });
  fake.enqueue({ type: 'httpError', error: 'authentication' });
  assert.equal((await server.chat(hello)).error?.data?.kind, 'authentication');
  fake.enqueue({ type: 'httpError', error: 'authentication' });
  await server.chat(hello);
  assert.equal(keySent(), 'sk-ant-env-rejected');
  assert.deepEqual(calls(), []);
});

test('a keychain failure is said in the missing-key error and in the log', async () => {
  answer({ ok: false, problem: 'locked', detail: "Couldn't access platform storage: Secret Service: unlock prompt was dismissed" });
  const server = await startStandalone();
  const { error } = await server.chat(hello);
  assert.equal(error?.data?.kind, 'authentication');
  assert.match(error?.message ?? '', /keys set anthropic"\. The OS keychain is locked and could not ask you to unlock it/);
  assert.ok(server.logLines.some((line) => /^Looking up the anthropic API key in the OS keychain failed: The OS keychain is locked/.test(line)));
});

test("the VS Code client's server never looks in the keychain, whatever the inherited environment says", () => {
  const environment = serverEnvironment({ PATH: '/bin', TOLLGATE_KEYCHAIN: 'on' }, { anthropic: undefined, openai: undefined });
  assert.equal(environment['TOLLGATE_KEYCHAIN'], 'off');
  const helper = { command: 'node', args: ['keychain-helper.js'] };
  assert.equal(readEnvironment([], { TOLLGATE_KEYCHAIN: 'off' }, helper).keychain, undefined);
  assert.equal(readEnvironment([], serverEnvironment({}, { anthropic: undefined, openai: undefined }) as NodeJS.ProcessEnv, helper).keychain, undefined);
  assert.deepEqual(readEnvironment([], {}, helper).keychain, { helper, timeoutMs: serverKeychainTimeoutMs });
});
