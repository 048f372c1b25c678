/**
 * Keyless calls to an OpenAI-compatible server on this computer (Ollama, LM Studio, llama.cpp, vLLM,
 * LiteLLM without auth): with `tollgate.openai.baseUrl` on a loopback address and no key set, the call goes
 * out with no `Authorization` header at all; anywhere else, and for Anthropic, a missing key is still the
 * `authentication` error and no request is sent.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { isLoopbackUrl, needsApiKey } from '../../server/src/keylessEndpoint';
import { type FakeProvider, type RecordedRequest, startFakeProvider } from '../fake-provider';
import { type ServerUnderTest, startServerUnderTest } from './support/lspHarness';

/** Local models have no bundled price; their users set one (0). */
const pricing = { 'llama3.1:8b': { inputPerMTok: 0, outputPerMTok: 0 } };
const hello = { messages: [{ role: 'user' as const, content: 'Hello' }] };

/** Every header that could carry a credential, as the fake received it. */
function credentialHeaders(request: RecordedRequest | undefined): Record<string, unknown> {
  assert.ok(request, 'a request reached the fake provider');
  return Object.fromEntries(Object.entries(request.headers).filter(([name]) => /authorization|api-key/i.test(name)));
}

/** A local server without auth: answers requests that carry no key. */
let local: FakeProvider;
let servers: ServerUnderTest[] = [];

async function serverWith(apiKeys: Record<string, string>, settings: Record<string, unknown>): Promise<ServerUnderTest> {
  const server = await startServerUnderTest({ apiKeys, settings: { model: 'llama3.1:8b', pricing, ...settings } });
  servers.push(server);
  return server;
}

before(async () => {
  local = await startFakeProvider({ requireKey: false });
});
beforeEach(() => {
  local.reset();
});
after(async () => {
  for (const server of servers) {
    server.close();
  }
  servers = [];
  await local.close();
});

test('no key and a loopback OpenAI base URL: the chat streams and the request carries no Authorization header', async () => {
  const server = await serverWith({}, { provider: 'openai', openai: { baseUrl: local.openaiBaseUrl } });
  local.enqueue({ type: 'text', chunks: ['Local ', 'answer'] });
  const outcome = await server.chat(hello);
  assert.equal(outcome.error, undefined, outcome.error?.message);
  assert.equal(outcome.streamedText, 'Local answer');
  assert.equal(local.requests.length, 1);
  assert.deepEqual(credentialHeaders(local.requests[0]), {}, 'no credential at all, not a placeholder one');
});

test('no key and a localhost base URL: the call is made without a key', async () => {
  const server = await serverWith({}, { provider: 'openai', openai: { baseUrl: local.openaiBaseUrl.replace('127.0.0.1', 'localhost') } });
  const outcome = await server.chat(hello);
  assert.equal(outcome.error, undefined, outcome.error?.message);
  assert.deepEqual(credentialHeaders(local.requests[0]), {});
});

test('a key set and a loopback base URL: the key is sent as Authorization: Bearer', async () => {
  const server = await serverWith({ openai: 'sk-local-user-key' }, { provider: 'openai', openai: { baseUrl: local.openaiBaseUrl } });
  const outcome = await server.chat(hello);
  assert.equal(outcome.error, undefined, outcome.error?.message);
  assert.deepEqual(credentialHeaders(local.requests[0]), { authorization: 'Bearer sk-local-user-key' });
});

test('no key and a non-loopback OpenAI base URL: the missing-key error, before any request', async () => {
  const server = await serverWith({}, { provider: 'openai', openai: { baseUrl: 'https://api.example.invalid/v1' } });
  const outcome = await server.chat(hello);
  // Had a request been tried, the unresolvable host would have been a network error.
  assert.equal(outcome.error?.data?.kind, 'authentication');
  assert.match(outcome.error?.message ?? '', /No API key is set for the OpenAI-compatible server at https:\/\/api\.example\.invalid\/v1\. Run "Tollgate: Set API Key"/);
});

test('no key and an address that reaches this computer but is not loopback (0.0.0.0): refused, nothing sent', async () => {
  const server = await serverWith({}, { provider: 'openai', openai: { baseUrl: local.openaiBaseUrl.replace('127.0.0.1', '0.0.0.0') } });
  const outcome = await server.chat(hello);
  assert.equal(outcome.error?.data?.kind, 'authentication');
  assert.equal(local.requests.length, 0);
});

test('no key for Anthropic, even at a loopback base URL: the missing-key error, nothing sent', async () => {
  const server = await serverWith({}, { provider: 'anthropic', model: 'claude-sonnet-4-5', anthropic: { baseUrl: local.anthropicBaseUrl } });
  const outcome = await server.chat(hello);
  assert.equal(outcome.error?.data?.kind, 'authentication');
  assert.match(outcome.error?.message ?? '', /No API key is set for Anthropic \(at .*\)\. Run "Tollgate: Set API Key"/);
  assert.equal(local.requests.length, 0);
});

test('a local server that answers a keyless call with 401: the authentication error tells the user to set a key', async () => {
  const server = await serverWith({}, { provider: 'openai', openai: { baseUrl: local.openaiBaseUrl } });
  local.enqueue({ type: 'httpError', error: 'authentication' });
  const outcome = await server.chat(hello);
  assert.equal(outcome.error?.data?.kind, 'authentication');
  assert.equal(local.requests.length, 1, 'not retried');
  assert.match(
    outcome.error?.message ?? '',
    /^Tollgate sent the request to the OpenAI-compatible server at .* without an API key, because none is set, and it asks for one\. Run "Tollgate: Set API Key" in VS Code/,
  );
});

test('isLoopbackUrl: localhost, 127.0.0.0/8 and [::1] in any spelling the URL parser normalises; nothing else', () => {
  const loopback = [
    'http://localhost:11434/v1',
    'http://LOCALHOST:1234/v1',
    'http://127.0.0.1:8080/v1',
    'http://127.1.2.3/v1',
    'http://127.1:8000/v1',
    'http://[::1]:8000/v1',
    'http://[0:0:0:0:0:0:0:1]/v1',
    'http://[::ffff:127.0.0.1]:4000/v1',
    'https://localhost/v1',
  ];
  const notLoopback = [
    'https://api.openai.com/v1',
    'https://api.example.invalid/v1',
    'http://0.0.0.0:8000/v1',
    'http://192.168.1.20:11434/v1',
    'http://128.0.0.1/v1',
    'http://localhost.example.com/v1',
    'http://127.0.0.1.nip.io/v1',
    'http://[::2]/v1',
    'not a url',
    '',
  ];
  for (const url of loopback) {
    assert.equal(isLoopbackUrl(url), true, url);
  }
  for (const url of notLoopback) {
    assert.equal(isLoopbackUrl(url), false, url);
  }
});

test('needsApiKey: only an OpenAI-compatible server on a loopback address goes without one', () => {
  assert.equal(needsApiKey('openai', 'http://127.0.0.1:11434/v1'), false);
  assert.equal(needsApiKey('openai', ''), true, "OpenAI's own endpoint");
  assert.equal(needsApiKey('openai', 'https://openrouter.ai/api/v1'), true);
  assert.equal(needsApiKey('anthropic', 'http://127.0.0.1:8080'), true);
  assert.equal(needsApiKey('anthropic', ''), true);
});
