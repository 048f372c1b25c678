/**
 * The OS keychain with the built server (`node server.js --stdio` and `node server.js keys …`, built fresh
 * into a temporary folder, so the keychain binding must load from the copy beside the bundle): a key stored
 * with `keys set` (piped in) is what the server sends to the provider; a key in the environment wins;
 * after `keys clear` the missing-key error names the keychain; `TOLLGATE_KEYCHAIN=off` (what the VS Code
 * client sets) keeps the server out of the keychain; without a Secret Service the error says why, at once;
 * and no output ever holds a key. The Secret Service is the tests' own (support/privateKeyring.ts); those
 * tests are skipped, with the reason, where gnome-keyring and dbus are not installed. And a server folder
 * copied without the keychain binding says what is missing.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Metafile } from 'esbuild';
import { ExitNotification, ShutdownRequest } from 'vscode-languageserver-protocol/node';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { connectAsEditor } from './support/lspHarness';
import { type PrivateKeyring, secretServiceMissing, startPrivateKeyring } from './support/privateKeyring';
import { buildServerBundle } from './support/serverBundle';

const storedKey = 'sk-ant-stored-in-keychain-112358';
const environmentKey = 'sk-ant-from-environment-132134';
let fake: FakeProvider;
let bundle: string;
let metafile: Metafile;
/** Everything any process printed or logged, to check that no key is in it. */
const everything: string[] = [];

before(async () => {
  ({ bundle, metafile } = await buildServerBundle());
  fake = await startFakeProvider();
});
after(async () => {
  await fake.close();
});

/** Runs `node server.js keys <args>` with `input` on its stdin (a pipe, as in `pass show … | …`). */
function keys(args: string[], env: Record<string, string>, input = ''): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [bundle, 'keys', ...args], { env, input, encoding: 'utf8' });
  everything.push(run.stdout, run.stderr);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Starts the built server with `env`, chats once with Anthropic through it, stops it. */
async function chatOnce(env: Record<string, string>): Promise<{ text?: string; error?: string; kind?: string; keySent?: string; log: string[] }> {
  const storage = mkdtempSync(join(tmpdir(), 'tollgate-keychain-storage-'));
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bundle, '--stdio', '--storage', storage], { env });
  child.stdout.on('data', (chunk: Buffer) => everything.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => everything.push(chunk.toString()));
  try {
    const editor = await connectAsEditor(child.stdout, child.stdin, { settings: { provider: 'anthropic', anthropic: { baseUrl: fake.anthropicBaseUrl } } });
    const before = fake.requests.length;
    fake.enqueue({ type: 'text', chunks: ['answered ', 'with a key'] });
    const { result, error } = await editor.chat({ messages: [{ role: 'user', content: 'hi' }] });
    const headers = fake.requests.length > before ? fake.requests.at(-1)?.headers : undefined;
    const header = headers?.['x-api-key'] ?? headers?.['authorization'];
    const sent = (Array.isArray(header) ? header[0] : header)?.replace(/^Bearer /, '');
    await editor.connection.sendRequest(ShutdownRequest.type);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await editor.connection.sendNotification(ExitNotification.type);
    await exited;
    everything.push(...editor.logLines);
    return {
      ...(result ? { text: result.text } : {}),
      ...(error ? { error: error.message, kind: error.data?.kind } : {}),
      ...(sent ? { keySent: sent } : {}),
      log: editor.logLines,
    };
  } finally {
    child.kill('SIGKILL');
  }
}

test('server.js holds no keychain code: the client is a chunk read on first use, the binding loads only in the helper', () => {
  const outputs = Object.entries(metafile.outputs);
  const server = outputs.find(([file]) => file.endsWith('/server.js'));
  assert.ok(server);
  assert.deepEqual(Object.keys(server[1].inputs).filter((input) => input.includes('keychain/') || input.includes('@napi-rs')), []);
  assert.ok(outputs.some(([, output]) => output.entryPoint === 'server/src/keychain/keychainClient.ts'), 'the keychain client is a chunk of its own');
  const bundled = outputs.flatMap(([, output]) => Object.keys(output.inputs)).filter((input) => input.includes('@napi-rs/keyring'));
  assert.deepEqual(bundled, [], 'the binding stays outside the bundle, beside it in node_modules');
});

describe('with a Secret Service', { skip: secretServiceMissing() }, () => {
  let keyring: PrivateKeyring;
  before(() => {
    keyring = startPrivateKeyring();
  });
  after(() => keyring.close());

  test('"keys set" stores the piped key, "keys status" says where it is, and the server sends it to the provider', async () => {
    const set = keys(['set', 'anthropic'], keyring.env, `${storedKey}\n`);
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /Stored the Anthropic API key in the OS keychain \(service "tollgate", account "anthropic"\)/);
    const status = keys(['status'], keyring.env);
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /^anthropic: key in the OS keychain \(service "tollgate", account "anthropic"\)\nopenai: no key/);

    const chat = await chatOnce(keyring.env);
    assert.equal(chat.text, 'answered with a key', chat.error);
    assert.equal(chat.keySent, storedKey);
    assert.ok(chat.log.some((line) => line.includes('Using the anthropic API key from the OS keychain')));
  });

  test('a key in ANTHROPIC_API_KEY wins over the one in the keychain', async () => {
    const env = { ...keyring.env, ANTHROPIC_API_KEY: environmentKey };
    const chat = await chatOnce(env);
    assert.equal(chat.keySent, environmentKey);
    assert.match(keys(['status'], env).stdout, /^anthropic: key from ANTHROPIC_API_KEY in the environment \(it wins over the one in the OS keychain\)/);
  });

  test('TOLLGATE_KEYCHAIN=off, as the VS Code client sets it, keeps the server out of the keychain', async () => {
    const chat = await chatOnce({ ...keyring.env, TOLLGATE_KEYCHAIN: 'off' });
    assert.equal(chat.kind, 'authentication');
    assert.equal(chat.keySent, undefined);
    assert.ok(!chat.log.some((line) => /OS keychain/.test(line)), chat.log.join('\n'));
  });

  test('after "keys clear" the server has no key, and its error says how to store one in the keychain', async () => {
    const clear = keys(['clear', 'anthropic'], keyring.env);
    assert.equal(clear.status, 0, clear.stderr);
    assert.match(clear.stdout, /Removed the Anthropic API key from the OS keychain/);
    assert.match(keys(['clear', 'anthropic'], keyring.env).stdout, /holds no Anthropic API key .*nothing to remove/);

    const chat = await chatOnce(keyring.env);
    assert.equal(chat.kind, 'authentication');
    assert.equal(chat.keySent, undefined);
    assert.match(chat.error ?? '', /No API key is set for Anthropic.*\. .*store the key in the OS keychain with "node dist\/server\/server\.js keys set anthropic"\.$/);
    assert.ok(chat.log.some((line) => line.includes('The OS keychain holds no anthropic API key')));
  });

  test('"keys set" refuses empty input and input that is not one key, storing nothing', () => {
    const empty = keys(['set', 'openai'], keyring.env, '\n');
    assert.equal(empty.status, 1);
    assert.match(empty.stderr, /No key was given, so nothing was stored/);
    const twoLines = keys(['set', 'openai'], keyring.env, 'sk-one\nsk-two\n');
    assert.equal(twoLines.status, 1);
    assert.match(twoLines.stderr, /not one API key; nothing was stored/);
    assert.match(keys(['status'], keyring.env).stdout, /openai: no key/);
  });
});

test('without a Secret Service the server answers at once with the missing-key error, saying why the keychain failed', async () => {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tollgate-bus' };
  const chat = await chatOnce(env);
  assert.equal(chat.kind, 'authentication');
  assert.match(chat.error ?? '', /keys set anthropic"\. Tollgate could not reach the OS keychain \(.*\)\. On Linux the keychain is a Secret Service/);
  assert.ok(chat.log.some((line) => line.startsWith('Looking up the anthropic API key in the OS keychain failed: Tollgate could not reach the OS keychain')));

  const status = keys(['status'], env);
  assert.equal(status.status, 1);
  assert.match(status.stdout, /^anthropic: no key in the environment, and the OS keychain could not be read\. Tollgate could not reach the OS keychain/);
});

test('"keys" without a known command prints the usage and exits with 2', () => {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  for (const args of [[], ['set'], ['set', 'gemini'], ['status', 'extra'], ['rotate']]) {
    const run = keys(args, env);
    assert.equal(run.status, 2, args.join(' '));
    assert.match(run.stderr, /Usage: node dist\/server\/server\.js keys <command>/);
  }
});

// Deletes the keychain binding from the bundle's folder: keep this after every test that needs it.
test('a server folder copied without its keychain binding says so, and how to fix it', () => {
  rmSync(join(dirname(bundle), 'node_modules'), { recursive: true });
  const status = keys(['status'], { PATH: process.env['PATH'] ?? '/usr/bin:/bin' });
  assert.equal(status.status, 1);
  assert.match(status.stdout, /^anthropic: .*Tollgate's keychain library \(@napi-rs\/keyring\) could not be loaded \(Cannot find package '@napi-rs\/keyring'.*\)\. Build the server on this machine with "npm run build" and keep dist\/server\/node_modules beside server\.js, or set ANTHROPIC_API_KEY instead\./m);
});

// Last: what the tests above captured.
test('no output of the keys command or of the servers (stdout, stderr, log) held a key', () => {
  const output = everything.join('\n');
  assert.ok(output.length > 0);
  for (const key of [storedKey, environmentKey]) {
    assert.ok(!output.includes(key), 'a key appeared in the output of the keys command or the server');
  }
});
