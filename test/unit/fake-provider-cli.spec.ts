// The out-of-process fake: the CLI's startup line, the /__fake/* control endpoints, and SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import OpenAI from 'openai';

/** A broken CLI must fail the test, not hang the run; generous because it starts a second Node with tsx. */
const TIMEOUT_MS = 15000;

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Announcement {
  url: string;
  anthropicBaseUrl: string;
  openaiBaseUrl: string;
}

/** Starts the CLI and resolves with its one JSON line. */
async function startCli(): Promise<{ child: ChildProcess; announced: Announcement }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fake-provider/cli.ts', '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      stdout += data.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline !== -1) {
        resolve(stdout.slice(0, newline));
      }
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited with ${code} before announcing itself`)));
  });
  return { child, announced: JSON.parse(line) as Announcement };
}

async function control(url: string, method: string, body?: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
  return { status: res.status, json: await res.json() };
}

test('the CLI announces its URLs, is scripted over /__fake/*, and stops on SIGTERM', { timeout: TIMEOUT_MS }, async () => {
  const { child, announced } = await startCli();
  try {
    assert.match(announced.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(announced.anthropicBaseUrl, announced.url);
    assert.equal(announced.openaiBaseUrl, `${announced.url}/v1`);

    const garbage = await control(`${announced.url}/__fake/scenarios`, 'POST', '{"scenarios":[{"type":"text","chunks":"nope"}]}');
    assert.equal(garbage.status, 400);
    assert.match((garbage.json as { error: { message: string } }).error.message, /^The scenarios are invalid, nothing was queued:\n.*scenarios\[0\]\.chunks/s);
    const notJson = await control(`${announced.url}/__fake/scenarios`, 'POST', 'scenarios please');
    assert.equal(notJson.status, 400);

    const queued = await control(
      `${announced.url}/__fake/scenarios`,
      'POST',
      JSON.stringify({ scenarios: [{ type: 'text', chunks: ['from ', 'the CLI'], usage: { inputTokens: 1, outputTokens: 2 } }] }),
    );
    assert.deepEqual(queued, { status: 200, json: { queued: 1 } });

    const client = new OpenAI({ apiKey: 'sk-test', baseURL: announced.openaiBaseUrl, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.choices[0]?.message.content, 'from the CLI');

    const records = await control(`${announced.url}/__fake/requests`, 'GET');
    assert.equal(records.status, 200);
    const [record] = records.json as { api: string; scenario: { type: string }; responseEnded: boolean }[];
    assert.equal((records.json as unknown[]).length, 1);
    assert.equal(record?.api, 'openai');
    assert.equal(record?.scenario.type, 'text');
    assert.equal(record?.responseEnded, true);

    assert.deepEqual(await control(`${announced.url}/__fake/reset`, 'POST'), { status: 200, json: { reset: true } });
    assert.deepEqual(await control(`${announced.url}/__fake/requests`, 'GET'), { status: 200, json: [] });
    assert.equal((await control(`${announced.url}/__fake/nothing`, 'GET')).status, 404);
  } finally {
    child.kill('SIGTERM');
  }
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
});
