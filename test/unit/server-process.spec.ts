/**
 * The server as a program: `node dist/server/server.js --stdio`, built fresh from source, with keys from
 * the environment. Its stdout must hold nothing but LSP frames, and a key must never appear in its output.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ExitNotification, ShutdownRequest } from 'vscode-languageserver-protocol/node';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { connectAsEditor } from './support/lspHarness';
import { buildServerBundle } from './support/serverBundle';

const key = 'sk-ant-process-test-24680';
let fake: FakeProvider;
let child: ChildProcessWithoutNullStreams;
let editor: Awaited<ReturnType<typeof connectAsEditor>>;
const stdout: Buffer[] = [];
let stderr = '';

before(async () => {
  const { outdir, bundle } = await buildServerBundle();
  fake = await startFakeProvider();
  child = spawn(process.execPath, [bundle, '--stdio', '--storage', join(outdir, 'storage')], {
    env: { PATH: process.env['PATH'], ANTHROPIC_API_KEY: key },
  });
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // An editor without workspace/configuration: settings come from initializationOptions only.
  editor = await connectAsEditor(child.stdout, child.stdin, {
    settings: { anthropic: { baseUrl: fake.anthropicBaseUrl }, maxTokens: 'lots' },
    capabilities: {},
  });
});

after(async () => {
  child.kill();
  await fake.close();
});

test('streams a chat answer with the key from ANTHROPIC_API_KEY', async () => {
  fake.enqueue({ type: 'text', chunks: ['from ', 'the ', 'process ✓'] });
  const { result, streamedText } = await editor.chat({ messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(result?.text, 'from the process ✓');
  assert.equal(streamedText, 'from the process ✓');
  const request = fake.requests.at(-1);
  assert.equal(request?.headers['authorization'], `Bearer ${key}`);
  // The malformed maxTokens fell back to the default.
  assert.equal((request?.body as { max_tokens?: number }).max_tokens, 1024);
});

test('a malformed setting is shown to the user, naming the setting', () => {
  assert.ok(
    editor.shownMessages.some((m) => /tollgate\.maxTokens has the value "lots".*uses 1024/.test(m)),
    `shown: ${JSON.stringify(editor.shownMessages)}`,
  );
});

test('an unknown method is answered, and the server keeps running', async () => {
  await assert.rejects(editor.connection.sendRequest('tollgate/unknown', {}), /no method "tollgate\/unknown"/);
  fake.enqueue({ type: 'text', chunks: ['still here'] });
  const { result } = await editor.chat({ messages: [{ role: 'user', content: 'still there?' }] });
  assert.equal(result?.text, 'still here');
});

test('stdout holds only LSP frames, and no output contains the key', async () => {
  await editor.connection.sendRequest(ShutdownRequest.type);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await editor.connection.sendNotification(ExitNotification.type);
  assert.equal(await exited, 0);

  let bytes = Buffer.concat(stdout);
  let frames = 0;
  while (bytes.length > 0) {
    const header = /^Content-Length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n/.exec(bytes.toString('latin1'));
    assert.ok(header, `stdout holds something that is not an LSP frame: ${bytes.subarray(0, 80).toString()}`);
    const start = header[0].length;
    const length = Number(header[1]);
    JSON.parse(bytes.subarray(start, start + length).toString('utf8'));
    bytes = bytes.subarray(start + length);
    frames++;
  }
  assert.ok(frames > 3);
  const everything = Buffer.concat(stdout).toString() + stderr + editor.logLines.join('\n');
  assert.ok(!everything.includes(key), 'the API key appeared in the server output');
});
