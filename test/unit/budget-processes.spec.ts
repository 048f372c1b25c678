/**
 * One ledger, several real server processes (`node server.js --stdio --storage DIR`, built fresh from
 * source): concurrent calls never push settled spend past the budget, and a server killed with SIGKILL
 * mid-call loses and double-counts nothing once a server starts again.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { UsageRequest } from '../../server/src/protocol';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { connectAsEditor } from './support/lspHarness';
import { buildServerBundle } from './support/serverBundle';

type Editor = Awaited<ReturnType<typeof connectAsEditor>>;

const key = 'sk-ant-budget-processes';
let bundle: string;
let fake: FakeProvider;
const children: ChildProcessWithoutNullStreams[] = [];

// Real processes on a 2-core machine shared with other test files: allow well past the usual 30 s.
const slow = { timeout: 180_000 };

before(async () => {
  ({ bundle } = await buildServerBundle());
  fake = await startFakeProvider();
}, slow);
beforeEach(() => fake.reset());
after(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
  }
  await fake.close();
});

async function startServer(storage: string, settings: Record<string, unknown>): Promise<{ child: ChildProcessWithoutNullStreams; editor: Editor }> {
  const child = spawn(process.execPath, [bundle, '--stdio', '--storage', storage], {
    env: { PATH: process.env['PATH'], ANTHROPIC_API_KEY: key },
  });
  children.push(child);
  child.stderr.resume();
  const editor = await connectAsEditor(child.stdout, child.stdin, {
    settings: { provider: 'anthropic', model: 'claude-sonnet-5-5', anthropic: { baseUrl: fake.anthropicBaseUrl }, ...settings },
  });
  return { child, editor };
}

interface JournalLine {
  t: string;
  id: string;
  usd: number;
  outcome?: string;
}

function journal(storage: string): JournalLine[] {
  return readFileSync(join(storage, 'budget', 'ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JournalLine);
}

test('200 concurrent calls from 4 server processes never push settled spend past the budget and leave no reservation', slow, async () => {
  const storage = mkdtempSync(join(tmpdir(), 'tollgate-budget-shared-'));
  const budget = 0.1;
  const settings = { maxTokens: 200, budget: { dailyUsd: budget }, rateLimit: { requestsPerSecond: 10_000, burst: 10_000 } };
  const servers = await Promise.all([1, 2, 3, 4].map(() => startServer(storage, settings)));
  // Each answer costs 50 × $2 + 100 × $10 per MTok = $0.0011; 200 of them would be $0.22.
  for (let i = 0; i < 200; i++) {
    fake.enqueue({ type: 'text', chunks: ['a', 'b'], chunkDelayMs: 2, usage: { inputTokens: 50, outputTokens: 100 } });
  }
  const outcomes = (
    await Promise.all(
      servers.map(({ editor }, s) =>
        Promise.all(
          Array.from({ length: 50 }, (_, i) => editor.chat({ messages: [{ role: 'user', content: `call ${s}-${i}` }] })),
        ),
      ),
    )
  ).flat();

  const answered = outcomes.filter((o) => o.result);
  const refused = outcomes.filter((o) => o.error);
  assert.ok(refused.every((o) => o.error?.data?.kind === 'budgetExceeded'), JSON.stringify(refused.map((o) => o.error?.data)));
  assert.ok(answered.length > 0 && refused.length > 0, `${answered.length} answered, ${refused.length} refused`);
  // Every refused call was refused before it reached the provider.
  assert.equal(fake.requests.length, answered.length);

  const spent = answered.reduce((sum, o) => sum + (o.result?.costUsd ?? 0), 0);
  assert.ok(spent <= budget + 1e-9, `spent ${spent} of ${budget}`);
  for (const { editor } of servers) {
    const status = await editor.connection.sendRequest(UsageRequest.type, {});
    assert.ok(Math.abs(status.spentUsd - spent) < 1e-9, `server says ${status.spentUsd}, calls cost ${spent}`);
    assert.equal(status.reservedUsd, 0);
    assert.equal(status.pendingCalls, 0);
  }
  // The journal agrees: one settlement per reservation, none open, settled spend within the budget.
  const lines = journal(storage);
  const reserved = new Set(lines.filter((l) => l.t === 'reserve').map((l) => l.id));
  const settled = lines.filter((l) => l.t === 'settle');
  assert.equal(settled.length, reserved.size);
  assert.deepEqual(new Set(settled.map((l) => l.id)), reserved);
  assert.ok(settled.reduce((sum, l) => sum + l.usd, 0) <= budget + 1e-9);
  for (const { child } of servers) {
    child.kill();
  }
});

test('a server killed with SIGKILL mid-call: after a restart nothing is lost and nothing is counted twice', slow, async () => {
  const storage = mkdtempSync(join(tmpdir(), 'tollgate-budget-kill-'));
  const settings = { maxTokens: 500 };
  const first = await startServer(storage, settings);
  fake.enqueue({ type: 'text', chunks: ['done'], usage: { inputTokens: 100, outputTokens: 10 } });
  const finished = await first.editor.chat({ messages: [{ role: 'user', content: 'first' }] });
  const finishedCost = finished.result?.costUsd ?? NaN;
  assert.equal(finishedCost, (100 * 2 + 10 * 10) / 1e6);

  fake.enqueue({ type: 'stall', chunks: ['half an ans'] });
  void first.editor.chat({ messages: [{ role: 'user', content: 'second' }] });
  await fake.waitForRequest(2);
  const during = await first.editor.connection.sendRequest(UsageRequest.type, {});
  assert.equal(during.pendingCalls, 1);
  const worstCase = during.reservedUsd;
  assert.ok(worstCase > 0.005, `reserved ${worstCase}`);
  const exited = new Promise((resolve) => first.child.once('exit', resolve));
  first.child.kill('SIGKILL');
  await exited;

  // The killed server's reservation is still open in the journal…
  assert.equal(journal(storage).filter((l) => l.t === 'settle').length, 1);
  // …until the next server starts: it settles it at its worst case, the most it may have been billed.
  const second = await startServer(storage, settings);
  const after = await second.editor.connection.sendRequest(UsageRequest.type, {});
  assert.equal(after.reservedUsd, 0);
  assert.ok(Math.abs(after.spentUsd - (finishedCost + worstCase)) < 1e-9, `spent ${after.spentUsd}`);

  // Another restart (and a new call) counts it exactly once more: not at all.
  second.child.kill('SIGKILL');
  const third = await startServer(storage, settings);
  fake.enqueue({ type: 'text', chunks: ['third'], usage: { inputTokens: 100, outputTokens: 10 } });
  await third.editor.chat({ messages: [{ role: 'user', content: 'third' }] });
  const finalStatus = await third.editor.connection.sendRequest(UsageRequest.type, {});
  assert.ok(Math.abs(finalStatus.spentUsd - (2 * finishedCost + worstCase)) < 1e-9, `spent ${finalStatus.spentUsd}`);
  const orphaned = journal(storage).filter((l) => l.outcome === 'orphaned');
  assert.equal(orphaned.length, 1);
  third.child.kill();
});
