/**
 * The built server loads code on first use: server.js holds neither SDK nor undici nor ajv, and a server
 * that only chats with Anthropic, without a proxy, starts and answers with the chunks of the OpenAI SDK,
 * of ajv and of the undici package deleted from its folder, which shows it never reads them; with extra CA
 * certificates the call goes through the undici chunk and works too. (esbuild.mjs builds dist/server the
 * same way.)
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { rootCertificates } from 'node:tls';
import type { Metafile } from 'esbuild';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { connectAsEditor } from './support/lspHarness';
import { buildServerBundle } from './support/serverBundle';

let fake: FakeProvider;
let outdir: string;
let bundle: string;
let metafile: Metafile;
const children: ChildProcessWithoutNullStreams[] = [];

before(async () => {
  ({ outdir, bundle, metafile } = await buildServerBundle());
  fake = await startFakeProvider();
});
after(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
  }
  await fake.close();
});

/** The output file (path relative to outdir) of the chunk whose entry is `source`, a dynamically imported module. */
function chunkOf(source: string): string {
  const found = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === source);
  assert.ok(found, `${source} is not a chunk of its own`);
  return relative(outdir, found[0]);
}

test('server.js holds no provider SDK, no undici and no ajv', () => {
  const entry = Object.entries(metafile.outputs).find(([file]) => file.endsWith('server.js'));
  assert.ok(entry);
  const packages = Object.keys(entry[1].inputs).filter((input) => /node_modules\/(@anthropic-ai\/sdk|openai|undici|ajv)\//.test(input));
  assert.deepEqual(packages, []);
});

test('with NODE_EXTRA_CA_CERTS the call goes through the undici chunk and works', { timeout: 120_000 }, async () => {
  const pem = join(outdir, 'extra-ca.pem');
  writeFileSync(pem, `${rootCertificates[0]}\n`);
  await chatsThroughBuiltServer({ NODE_EXTRA_CA_CERTS: pem });
});

test('an Anthropic-only server without a proxy starts and chats without the OpenAI SDK, ajv or undici chunks', { timeout: 120_000 }, async () => {
  rmSync(join(outdir, chunkOf('server/src/providers/openai.ts')));
  rmSync(join(outdir, chunkOf('server/src/extract/ajvRuntime.ts')));
  rmSync(join(outdir, chunkOf('server/src/providers/undiciRuntime.ts')));
  await chatsThroughBuiltServer({});
});

/** Starts the built server with `env` added and streams one Anthropic chat through it. */
async function chatsThroughBuiltServer(env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [bundle, '--stdio', '--storage', join(outdir, 'storage')], {
    env: { PATH: process.env['PATH'], ANTHROPIC_API_KEY: 'sk-ant-chunks-test', ...env },
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const editor = await connectAsEditor(child.stdout, child.stdin, {
    settings: { provider: 'anthropic', anthropic: { baseUrl: fake.anthropicBaseUrl } },
  });
  fake.enqueue({ type: 'text', chunks: ['only ', 'what ', 'it needs'] });
  const { result, error } = await editor.chat({ messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(error, undefined, `${error?.message ?? ''}\n${stderr}`);
  assert.equal(result?.text, 'only what it needs');
}
