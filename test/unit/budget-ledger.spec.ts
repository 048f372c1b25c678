/** The ledger on its own: reservations against the budget, settling once, local days, damage, orphans, CSV. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { Ledger, type LedgerOptions } from '../../server/src/budget/ledger';
import { exportUsageCsv } from '../../server/src/budget/usageCsv';

const call = { provider: 'anthropic', model: 'claude-sonnet-5-5' };

function storage(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-ledger-'));
}

/** A clock the test moves by hand, starting at `start` (local time). */
function clockAt(start: Date): { now: () => Date; set: (date: Date) => void } {
  let current = start;
  return { now: () => current, set: (date) => (current = date) };
}

async function open(storageDir: string, options: Partial<LedgerOptions> = {}): Promise<Ledger> {
  return Ledger.open({ storageDir, ...options });
}

test('a reservation is refused when spent + reserved + it would pass the budget', async () => {
  const ledger = await open(storage());
  const first = await ledger.reserve({ ...call, usd: 0.6, budgetUsd: 1 });
  assert.ok(first.ok);
  const second = await ledger.reserve({ ...call, usd: 0.5, budgetUsd: 1 });
  assert.equal(second.ok, false);
  assert.deepEqual([second.status.spentUsd, second.status.reservedUsd, second.status.remainingUsd], [0, 0.6, 0.4]);
  assert.equal(await ledger.settle(first.id, { usd: 0.1, estimated: false, outcome: 'ok' }), 0.1);
  // Settling returns the unused part of the reservation to the budget.
  const third = await ledger.reserve({ ...call, usd: 0.9, budgetUsd: 1 });
  assert.ok(third.ok);
  assert.equal((await ledger.reserve({ ...call, usd: 0.000001, budgetUsd: 1 })).ok, false);
  ledger.close();
});

test('a reservation is settled once: a second settlement does not count the money again', async () => {
  const ledger = await open(storage());
  const reserved = await ledger.reserve({ ...call, usd: 0.5, budgetUsd: 10 });
  assert.ok(reserved.ok);
  await ledger.settle(reserved.id, { usd: 0.25, estimated: false, outcome: 'ok' });
  assert.equal(await ledger.settle(reserved.id, { usd: 0.4, estimated: false, outcome: 'ok' }), 0.25);
  assert.equal(ledger.status(10).spentUsd, 0.25);
  assert.equal(ledger.status(10).reservedUsd, 0);
  // Even a duplicate settle line in the journal (two writers racing) counts once.
  const settleLine = readFileSync(ledger.path, 'utf8').split('\n').find((l) => l.includes('"settle"'));
  appendFileSync(ledger.path, `${settleLine}\n`);
  const reader = await open(dirname(dirname(ledger.path)));
  assert.equal(reader.status(10).spentUsd, 0.25);
  reader.close();
  ledger.close();
});

test('two ledgers on one storage folder see each other: one budget for the machine', async () => {
  const dir = storage();
  const a = await open(dir);
  const b = await open(dir);
  const held = await a.reserve({ ...call, usd: 0.7, budgetUsd: 1 });
  assert.ok(held.ok);
  assert.equal((await b.reserve({ ...call, usd: 0.7, budgetUsd: 1 })).ok, false);
  await a.settle(held.id, { usd: 0.2, estimated: false, outcome: 'ok' });
  const fits = await b.reserve({ ...call, usd: 0.7, budgetUsd: 1 });
  assert.ok(fits.ok);
  assert.equal(fits.status.spentUsd, 0.2);
  a.close();
  b.close();
});

test('the day rolls over at local midnight: a new day starts at zero, the old one keeps its spend', async () => {
  const clock = clockAt(new Date(2026, 10, 28, 23, 59, 59, 900));
  const ledger = await open(storage(), { now: clock.now });
  const late = await ledger.reserve({ ...call, usd: 0.8, budgetUsd: 1 });
  assert.ok(late.ok);
  assert.equal(ledger.status(1).day, '2026-11-28');
  clock.set(new Date(2026, 10, 29, 0, 0, 0, 100));
  // The call started yesterday: its reservation and its cost belong to yesterday.
  assert.deepEqual([ledger.status(1).day, ledger.status(1).reservedUsd, ledger.status(1).spentUsd], ['2026-11-29', 0, 0]);
  const early = await ledger.reserve({ ...call, usd: 0.9, budgetUsd: 1 });
  assert.ok(early.ok);
  await ledger.settle(late.id, { usd: 0.8, estimated: false, outcome: 'ok' });
  assert.equal(ledger.status(1).spentUsd, 0);
  const [today, yesterday] = ledger.history(2);
  assert.deepEqual([today?.day, today?.spentUsd, yesterday?.day, yesterday?.spentUsd], ['2026-11-29', 0, '2026-11-28', 0.8]);
  ledger.close();
});

test("raising today's budget lasts for today only", async () => {
  const clock = clockAt(new Date(2026, 10, 28, 12));
  const ledger = await open(storage(), { now: clock.now });
  await ledger.raiseToday(2.5);
  assert.deepEqual([ledger.status(1).budgetUsd, ledger.status(1).raisedUsd], [3.5, 2.5]);
  clock.set(new Date(2026, 10, 29, 12));
  assert.equal(ledger.status(1).budgetUsd, 1);
  ledger.close();
});

test('a reservation of a process that is gone is settled at its worst case on the next open, exactly once', async () => {
  const dir = storage();
  let alive = true;
  const crashed = await open(dir, { isAlive: () => alive });
  const orphan = await crashed.reserve({ ...call, usd: 0.3, budgetUsd: 1 });
  assert.ok(orphan.ok);
  // The same pid is running (it is this test's): nobody may settle it yet.
  const meanwhile = await open(dir, { isAlive: () => alive });
  assert.equal(meanwhile.status(1).reservedUsd, 0.3);
  alive = false;
  const restarted = await open(dir, { isAlive: () => alive });
  assert.deepEqual([restarted.status(1).spentUsd, restarted.status(1).reservedUsd], [0.3, 0]);
  const again = await open(dir, { isAlive: () => alive });
  assert.equal(again.status(1).spentUsd, 0.3);
  // The crashed process's own late settlement (it was not dead after all) does not count twice.
  assert.equal(await crashed.settle(orphan.id, { usd: 0.1, estimated: false, outcome: 'ok' }), 0.3);
  await again.reserve({ ...call, usd: 0, budgetUsd: 1 });
  assert.equal(again.status(1).spentUsd, 0.3);
  const lines = readFileSync(restarted.path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { t: string; outcome?: string });
  assert.equal(lines.filter((l) => l.outcome === 'orphaned').length, 1);
  for (const ledger of [crashed, meanwhile, restarted, again]) {
    ledger.close();
  }
});

test('a garbled line is skipped and reported; every good entry is kept', async () => {
  const dir = storage();
  const writer = await open(dir);
  const one = await writer.reserve({ ...call, usd: 0.1, budgetUsd: 10 });
  assert.ok(one.ok);
  await writer.settle(one.id, { usd: 0.1, estimated: false, outcome: 'ok' });
  appendFileSync(writer.path, '{"t":"settle","id":"x" this is not json\n');
  const two = await writer.reserve({ ...call, usd: 0.2, budgetUsd: 10 });
  assert.ok(two.ok);
  await writer.settle(two.id, { usd: 0.2, estimated: false, outcome: 'ok' });
  writer.close();

  const reader = await open(dir);
  assert.equal(reader.status(10).spentUsd, 0.3);
  assert.equal(reader.damage.length, 1);
  assert.equal(reader.damage[0]?.length, '{"t":"settle","id":"x" this is not json'.length);
  reader.close();
});

test('a torn last line (a crash mid-write) is reported, and the next entry is not glued to it', async () => {
  const dir = storage();
  const writer = await open(dir);
  const one = await writer.reserve({ ...call, usd: 0.1, budgetUsd: 10 });
  assert.ok(one.ok);
  await writer.settle(one.id, { usd: 0.1, estimated: false, outcome: 'ok' });
  writer.close();
  // Cut the last line (the settlement) in half.
  const size = statSync(writer.path).size;
  truncateSync(writer.path, size - 20);

  const recovered = await open(dir, { isAlive: () => false });
  // The settlement is gone, so the reservation is an orphan: counted at its worst case, never zero. Writing
  // that settlement closed the torn line off, which reported it.
  assert.equal(recovered.status(10).spentUsd, 0.1);
  assert.equal(recovered.damage.length, 1);
  const reported: number[] = [];
  recovered.onDamage((damage) => reported.push(...damage.map((d) => d.offset)));
  const next = await recovered.reserve({ ...call, usd: 0.2, budgetUsd: 10 });
  assert.ok(next.ok);
  await recovered.settle(next.id, { usd: 0.05, estimated: false, outcome: 'ok' });
  assert.equal(reported.length, 0, 'the torn line is reported once');
  recovered.close();
  const reader = await open(dir);
  assert.equal(reader.status(10).spentUsd, 0.15);
  assert.equal(reader.damage.length, 1);
  reader.close();
});

test('a line torn by another process that crashed loses neither that line nor the next reservation', async () => {
  const dir = storage();
  const writer = await open(dir);
  const first = await writer.reserve({ ...call, usd: 0.1, budgetUsd: 10 });
  assert.ok(first.ok);
  // Another process's reservation, cut off by a power loss: no newline, and nothing tells our writer.
  const tornAt = statSync(writer.path).size;
  const torn = '\n{"t":"reserve","id":"torn","day":"2026-11-28","at":1,"provider":"anthropic","mod';
  appendFileSync(writer.path, torn);
  const next = await writer.reserve({ ...call, usd: 0.2, budgetUsd: 10 });
  assert.ok(next.ok, 'the reservation written after the torn line was lost');
  assert.deepEqual(writer.damage, [{ offset: tornAt + 1, length: torn.length - 1 }]);

  const reader = await open(dir);
  assert.equal(reader.status(10).reservedUsd, 0.3);
  assert.deepEqual(reader.damage, [{ offset: tornAt + 1, length: torn.length - 1 }]);
  writer.close();
  reader.close();
});

test('a reader that sees the start of a line still being written waits for the rest instead of calling it damage', async () => {
  const dir = storage();
  const reader = await open(dir);
  const entry = {
    t: 'reserve', id: 'in-flight', day: reader.status(1).day, at: Date.now(), ...call, usd: 0.25, budgetUsd: 1,
    pid: process.pid, host: 'elsewhere', instance: 'writer',
  };
  const line = `\n${JSON.stringify(entry)}\n`;
  appendFileSync(reader.path, line.slice(0, 60));
  reader.refresh();
  assert.deepEqual([reader.status(1).reservedUsd, reader.damage.length], [0, 0]);
  appendFileSync(reader.path, line.slice(60));
  reader.refresh();
  assert.deepEqual([reader.status(1).reservedUsd, reader.damage.length], [0.25, 0]);
  reader.close();
});

test('a ledger of nothing but garbage is reported, not silently treated as a fresh start', async () => {
  const dir = storage();
  const first = await open(dir);
  writeFileSync(first.path, 'garbage\n\u0000\u0000\u0000\n');
  first.close();
  const ledger = await open(dir);
  assert.equal(ledger.damage.length, 2);
  ledger.close();
});

test('CSV export lists every settled call with its tokens, cost and outcome', async () => {
  const clock = clockAt(new Date(2026, 10, 28, 9, 30));
  const ledger = await open(storage(), { now: clock.now });
  const ok = await ledger.reserve({ provider: 'openai', model: 'gpt-5.5', usd: 0.5, budgetUsd: 10 });
  assert.ok(ok.ok);
  await ledger.settle(ok.id, {
    usd: 0.0123,
    usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 5 },
    estimated: false,
    outcome: 'ok',
  });
  const cut = await ledger.reserve({ provider: 'anthropic', model: 'claude,"odd"', usd: 0.5, budgetUsd: 10 });
  assert.ok(cut.ok);
  await ledger.settle(cut.id, { usd: 0.002, estimated: true, outcome: 'failed' });
  const exported = await exportUsageCsv(ledger.path);
  assert.equal(exported.rows, 2);
  const [header, first, second, end] = exported.csv.split('\r\n');
  assert.equal(header, 'time,day,provider,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,estimated,outcome');
  assert.equal(first, `${new Date(2026, 10, 28, 9, 30).toISOString()},2026-11-28,openai,gpt-5.5,100,20,5,,0.0123,false,ok`);
  assert.match(second ?? '', /,anthropic,"claude,""odd""",,,,,0\.002,true,failed$/);
  assert.equal(end, '');
  ledger.close();
});

test('history keeps every day: 90 days back is still there', async () => {
  const clock = clockAt(new Date(2026, 7, 1, 12));
  const ledger = await open(storage(), { now: clock.now });
  const old = await ledger.reserve({ ...call, usd: 1, budgetUsd: 10 });
  assert.ok(old.ok);
  await ledger.settle(old.id, { usd: 0.75, estimated: false, outcome: 'ok' });
  clock.set(new Date(2026, 10, 1, 12)); // 92 days later
  const days = ledger.history(120);
  assert.equal(days.find((d) => d.day === '2026-08-01')?.spentUsd, 0.75);
  assert.deepEqual(days.find((d) => d.day === '2026-08-01')?.models, [{ model: call.model, spentUsd: 0.75, calls: 1 }]);
  ledger.close();
});
