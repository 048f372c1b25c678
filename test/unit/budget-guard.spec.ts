/** The budget over LSP, against the fake provider: refusals before any request, costs, status, history, export. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { localDay } from '../../server/src/budget/ledgerEntry';
import {
  BudgetStatusNotification,
  ExportUsageRequest,
  RaiseBudgetRequest,
  UsageHistoryRequest,
  UsageRequest,
  type BudgetStatus,
} from '../../server/src/protocol';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { startServerUnderTest, waitUntil, type ServerUnderTest } from './support/lspHarness';

let fake: FakeProvider;
let server: ServerUnderTest;
let statuses: BudgetStatus[];
const messages = [{ role: 'user' as const, content: 'What is a tollgate?' }];

function settings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { provider: 'anthropic', model: 'claude-sonnet-5-5', maxTokens: 1000, anthropic: { baseUrl: fake.anthropicBaseUrl }, ...extra };
}

async function startWith(extra: Record<string, unknown> = {}, storageDir?: string, statusHoldMs?: number): Promise<void> {
  server?.close();
  server = await startServerUnderTest({
    apiKeys: { anthropic: 'sk-ant-budget' },
    settings: settings(extra),
    ...(storageDir ? { storageDir } : {}),
    ...(statusHoldMs === undefined ? {} : { statusHoldMs }),
  });
  statuses = [];
  server.connection.onNotification(BudgetStatusNotification.type, (status) => {
    statuses.push(status);
  });
}

before(async () => {
  fake = await startFakeProvider();
});
beforeEach(() => fake.reset());
after(async () => {
  server?.close();
  await fake.close();
});

test('a chat costs its reported usage, cache tokens at cache prices, and the status follows', async () => {
  await startWith();
  fake.enqueue({
    type: 'text',
    chunks: ['A toll ', 'booth.'],
    usage: { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 10_000, cacheWriteTokens: 400 },
  });
  const { result } = await server.chat({ messages });
  // claude-sonnet-5-5: input 2, output 10, cache write 2.50, cache read 0.10 USD per MTok.
  const expected = (1000 * 2 + 200 * 10 + 400 * 2.5 + 10_000 * 0.1) / 1e6;
  assert.equal(result?.costUsd, expected);
  const usage = await server.connection.sendRequest(UsageRequest.type, {});
  assert.deepEqual([usage.spentUsd, usage.reservedUsd, usage.budgetUsd, usage.pendingCalls], [expected, 0, 10, 0]);
  assert.deepEqual(usage.topModels, [{ model: 'claude-sonnet-5-5', spentUsd: expected, calls: 1 }]);
  await waitUntil(() => statuses.some((s) => s.spentUsd === expected && s.reservedUsd === 0), 'a budgetStatus with the spend');
});

test("a chat's reservation reaches the client once, after its first delta, then its cost", async () => {
  // Held back for as long as the call takes: only the first delta or the settlement can release it.
  await startWith({}, undefined, 60_000);
  await waitUntil(() => statuses.length > 0, 'the status the server sends once it is up');
  const events: string[] = [];
  server.connection.onNotification(BudgetStatusNotification.type, (status) => {
    events.push((status.pendingCalls ?? 0) > 0 ? 'pending status' : `status spent ${status.spentUsd}`);
  });
  fake.enqueue({ type: 'text', chunks: ['A toll ', 'booth.'], usage: { inputTokens: 1000, outputTokens: 200 } });
  const { result } = await server.chat({ messages }, { onDelta: () => events.push('delta') });
  assert.equal(result?.text, 'A toll booth.');
  // claude-sonnet-5-5: input 2, output 10 USD per MTok.
  const spent = (1000 * 2 + 200 * 10) / 1e6;
  await waitUntil(() => events.includes(`status spent ${spent}`), 'the status with the spend');
  assert.equal(events.indexOf('delta'), 0, `the first delta before any status: ${events.join(', ')}`);
  assert.equal(events.filter((e) => e === 'pending status').length, 1, `one status for the reservation: ${events.join(', ')}`);
  assert.ok(events.indexOf('pending status') < events.indexOf(`status spent ${spent}`), events.join(', '));
});

test('a call the provider keeps waiting still shows its reservation, without any output', async () => {
  await startWith({}, undefined, 1);
  fake.enqueue({ type: 'stall' });
  const cancel = new CancellationTokenSource();
  const pending = server.chat({ messages }, { cancel });
  await fake.waitForRequest(1);
  await waitUntil(() => statuses.some((s) => s.pendingCalls === 1 && s.reservedUsd > 0.01), 'a pending status');
  cancel.cancel();
  assert.equal((await pending).error?.data?.kind, 'canceled');
  await waitUntil(() => statuses.at(-1)?.pendingCalls === 0, 'the status after the call was stopped');
});

test('while a call is in flight its worst case is reserved and the status says so', async () => {
  await startWith();
  fake.enqueue({ type: 'stall', chunks: ['thinking'] });
  const cancel = new CancellationTokenSource();
  const pending = server.chat({ messages }, { cancel });
  await fake.waitForRequest(1);
  await waitUntil(() => statuses.some((s) => s.pendingCalls === 1 && s.reservedUsd > 0.01), 'a pending status');
  cancel.cancel();
  const { error } = await pending;
  assert.equal(error?.data?.kind, 'canceled');
  // Stopped without usage: settled at an honest estimate of input plus the text received, never zero.
  const usage = await server.connection.sendRequest(UsageRequest.type, {});
  assert.equal(usage.reservedUsd, 0);
  assert.ok(usage.spentUsd > 0 && usage.spentUsd < 0.01, `spent ${usage.spentUsd}`);
  const history = await server.connection.sendRequest(UsageHistoryRequest.type, {});
  assert.deepEqual(
    history.today.map((c) => [c.outcome, c.estimated]),
    [['failed', true]],
  );
});

test('a call whose worst case would pass the budget is refused before any request, saying what it would cost', async () => {
  await startWith({ budget: { dailyUsd: 0.005 } });
  const { error } = await server.chat({ messages });
  assert.equal(fake.requests.length, 0);
  assert.equal(error?.data?.kind, 'budgetExceeded');
  assert.equal(error?.data?.limitUsd, 0.005);
  assert.equal(error?.data?.remainingUsd, 0.005);
  assert.ok((error?.data?.wouldCostUsd ?? 0) > 0.01, `would cost ${error?.data?.wouldCostUsd}`);
  assert.match(error?.message ?? '', /could cost up to \$0\.01\d* .* only \$0\.0050 of today's \$0\.0050 budget is left/);

  // Raising today's budget lets the same call through.
  const raised = await server.connection.sendRequest(RaiseBudgetRequest.type, { addUsd: 1 });
  assert.equal(raised.budgetUsd, 1.005);
  fake.enqueue({ type: 'text', chunks: ['ok'], usage: { inputTokens: 10, outputTokens: 1 } });
  const retried = await server.chat({ messages });
  assert.equal(retried.result?.text, 'ok');
  assert.equal(fake.requests.length, 1);
});

test('a model without a price is refused before any request, naming the model to price', async () => {
  await startWith({ model: 'llama3.1' });
  const { error } = await server.chat({ messages });
  assert.equal(fake.requests.length, 0);
  assert.equal(error?.data?.kind, 'invalidRequest');
  assert.equal(error?.data?.unpricedModel, 'llama3.1');
  assert.match(error?.message ?? '', /no price for the model "llama3\.1".*tollgate\.pricing.*0 is fine/);

  await server.changeSettings(settings({ model: 'llama3.1', pricing: { 'llama3.1': { inputPerMTok: 0, outputPerMTok: 0 } } }));
  fake.enqueue({ type: 'text', chunks: ['free'], usage: { inputTokens: 10, outputTokens: 1 } });
  const { result } = await server.chat({ messages });
  assert.equal(result?.costUsd, 0);
});

test('past the local rate limit a request is refused as rateLimitedLocal before any request', async () => {
  await startWith({ rateLimit: { requestsPerSecond: 0.01, burst: 1 } });
  fake.enqueue({ type: 'text', chunks: ['one'], usage: { inputTokens: 10, outputTokens: 1 } });
  assert.equal((await server.chat({ messages })).result?.text, 'one');
  const { error } = await server.chat({ messages });
  assert.equal(error?.data?.kind, 'rateLimitedLocal');
  assert.ok((error?.data?.retryAfterMs ?? 0) > 1000);
  assert.equal(fake.requests.length, 1);
  // Nothing was reserved for the refused call.
  assert.equal((await server.connection.sendRequest(UsageRequest.type, {})).reservedUsd, 0);
});

test('history and CSV export list the calls', async () => {
  await startWith();
  fake.enqueue({ type: 'text', chunks: ['one'], usage: { inputTokens: 100, outputTokens: 10 } });
  fake.enqueue({ type: 'text', chunks: ['two'], usage: { inputTokens: 200, outputTokens: 20 } });
  await server.chat({ messages });
  await server.chat({ messages });
  const history = await server.connection.sendRequest(UsageHistoryRequest.type, { days: 7 });
  assert.equal(history.days.length, 7);
  assert.equal(history.days[0]?.day, history.status.day);
  assert.equal(history.days[0]?.spentUsd, (300 * 2 + 30 * 10) / 1e6);
  assert.deepEqual(
    history.today.map((c) => c.usage?.inputTokens),
    [100, 200],
  );
  const exported = await server.connection.sendRequest(ExportUsageRequest.type, {});
  assert.equal(exported.rows, 2);
  assert.match(exported.csv, /,anthropic,claude-sonnet-5-5,200,20,0,0,0\.0006,false,ok\r\n$/);
  await assert.rejects(server.connection.sendRequest(UsageHistoryRequest.type, { days: 0 }), /params\.days must be/);
  await assert.rejects(server.connection.sendRequest(RaiseBudgetRequest.type, { addUsd: -1 }), /params\.addUsd must be/);
});

test('a damaged ledger is reported to the user, and its good entries still count', async () => {
  const storage = mkdtempSync(join(tmpdir(), 'tollgate-damaged-'));
  mkdirSync(join(storage, 'budget'));
  const day = localDay(new Date());
  const good = { t: 'settle', id: 'a', day, at: Date.now(), provider: 'anthropic', model: 'claude-sonnet-5-5', usd: 0.5, estimated: false, outcome: 'ok' };
  writeFileSync(join(storage, 'budget', 'ledger.jsonl'), `${JSON.stringify(good)}\n{"t":"settle","id":"b","usd":9\u0000\u0000\n`);
  await startWith({}, storage);
  await waitUntil(() => server.shownMessages.some((m) => /budget ledger .* has 1 damaged line/.test(m)), 'the damage message');
  assert.match(server.shownMessages.join('\n'), /kept every other entry/);
  assert.equal((await server.connection.sendRequest(UsageRequest.type, {})).spentUsd, 0.5);
});

test('an HTTP error answer costs nothing; a stream broken after output costs an estimate', async () => {
  // One attempt per call, so each scripted failure is the call's outcome.
  await startWith({ retry: { maxAttempts: 1 } });
  fake.enqueue({ type: 'httpError', error: 'overloaded', retryAfterMs: 1 });
  const refused = await server.chat({ messages });
  assert.equal(refused.error?.data?.kind, 'overloaded');
  fake.enqueue({ type: 'streamError', chunks: ['partial ', 'answer'], afterChunks: 2, error: 'server' });
  const broken = await server.chat({ messages });
  assert.equal(broken.error?.data?.kind, 'server');
  const history = await server.connection.sendRequest(UsageHistoryRequest.type, {});
  assert.deepEqual(
    history.today.map((c) => [c.outcome, c.costUsd > 0]),
    [
      ['notSent', false],
      ['failed', true],
    ],
  );
  assert.equal(history.status.reservedUsd, 0);
});

test('another server on the same ledger sends a status with this one\'s spend', async () => {
  const storage = mkdtempSync(join(tmpdir(), 'tollgate-shared-status-'));
  await startWith({}, storage);
  const other = await startServerUnderTest({ apiKeys: { anthropic: 'sk-ant-budget' }, settings: settings(), storageDir: storage });
  const seenByOther: BudgetStatus[] = [];
  other.connection.onNotification(BudgetStatusNotification.type, (status) => {
    seenByOther.push(status);
  });
  try {
    fake.enqueue({ type: 'text', chunks: ['shared'], usage: { inputTokens: 1000, outputTokens: 100 } });
    const { result } = await server.chat({ messages });
    assert.equal(result?.costUsd, 0.003);
    await waitUntil(() => seenByOther.some((s) => s.spentUsd === 0.003), 'the other server to report the spend', 15_000);
  } finally {
    other.close();
  }
});
