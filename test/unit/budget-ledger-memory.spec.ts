/**
 * The ledger's memory stays bounded: settled calls are kept one by one only for the open days (the newest
 * day in the journal and the two before it); older days keep their totals, and the CSV export reads every
 * call from the journal again. Dropping old ids must not let a late or repeated settlement count twice.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ledger, type LedgerOptions } from '../../server/src/budget/ledger';
import { localDayBefore } from '../../server/src/budget/ledgerEntry';
import { exportUsageCsv, readSettledCalls } from '../../server/src/budget/usageCsv';

const call = { provider: 'anthropic', model: 'claude-sonnet-5-5' };

function storage(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-ledger-memory-'));
}

async function open(storageDir: string, options: Partial<LedgerOptions> = {}): Promise<Ledger> {
  return Ledger.open({ storageDir, ...options });
}

function reserveLine(id: string, day: string, at: number, usd: number, model = call.model): string {
  const entry = { t: 'reserve', id, day, at, provider: call.provider, model, usd, budgetUsd: 100, pid: process.pid, host: hostname(), instance: 'elsewhere' };
  return `\n${JSON.stringify(entry)}\n`;
}

function settleLine(id: string, day: string, at: number, usd: number, model = call.model): string {
  const entry = { t: 'settle', id, day, at, provider: call.provider, model, usd, estimated: false, outcome: 'ok' };
  return `\n${JSON.stringify(entry)}\n`;
}

/** `days` days of `perDay` settled calls each, ending the day before `today`, as another process wrote them. */
function pastJournal(today: Date, days: number, perDay: number): string {
  let text = '';
  for (let d = days; d >= 1; d--) {
    const day = localDayBefore(today, d);
    const at = today.getTime() - d * 86_400_000;
    for (let i = 0; i < perDay; i++) {
      const model = i % 2 === 0 ? 'model-a' : 'model-b';
      text += reserveLine(`${day}-${i}`, day, at + i, 0.02, model) + settleLine(`${day}-${i}`, day, at + i, 0.01, model);
    }
  }
  return text;
}

test('only the open days keep their calls one by one; older days keep their totals and the export still lists every call', async () => {
  const today = new Date(2026, 10, 28, 12);
  const dir = storage();
  const writer = await open(dir, { now: () => today });
  appendFileSync(writer.path, pastJournal(today, 40, 25));
  writer.close();

  const ledger = await open(dir, { now: () => today });
  // Yesterday and the day before are open (the journal's newest day is yesterday): their calls are there.
  assert.equal(ledger.callsOn(localDayBefore(today, 1)).settled.length, 25);
  assert.equal(ledger.callsOn(localDayBefore(today, 3)).settled.length, 25);
  // Older days are closed: no call is held in memory, but the history still has every total per model.
  assert.equal(ledger.callsOn(localDayBefore(today, 4)).settled.length, 0);
  assert.equal(ledger.callsOn(localDayBefore(today, 40)).settled.length, 0);
  const history = ledger.history(41);
  assert.deepEqual(history.find((d) => d.day === localDayBefore(today, 40)), {
    day: localDayBefore(today, 40),
    spentUsd: 0.25,
    models: [
      { model: 'model-a', spentUsd: 0.13, calls: 13 },
      { model: 'model-b', spentUsd: 0.12, calls: 12 },
    ],
  });
  assert.equal(history.filter((d) => d.spentUsd === 0.25).length, 40);

  // Today's call closes one more day; the export reads all 1,001 calls back from the journal, oldest first.
  const now = await ledger.reserve({ ...call, usd: 0.5, budgetUsd: 10 });
  assert.ok(now.ok);
  await ledger.settle(now.id, { usd: 0.3, estimated: false, outcome: 'ok' });
  assert.equal(ledger.callsOn(localDayBefore(today, 3)).settled.length, 0);
  assert.equal(ledger.callsOn(localDayBefore(today, 0)).settled.length, 1);
  const calls = await readSettledCalls(ledger.path);
  assert.equal(calls.length, 40 * 25 + 1);
  assert.deepEqual(calls.map((c) => c.at), [...calls.map((c) => c.at)].sort((a, b) => a - b));
  assert.equal(calls[0]?.id, `${localDayBefore(today, 40)}-0`);
  assert.equal(calls.at(-1)?.id, now.id);
  const exported = await exportUsageCsv(ledger.path);
  assert.equal(exported.rows, 40 * 25 + 1);
  assert.equal(exported.csv.split('\r\n').length, 40 * 25 + 3); // Header, rows, final empty string.
  ledger.close();
});

test('a repeated settlement of a call whose day has closed counts nothing, for a reader folding as it goes and for one opening afresh', async () => {
  const today = new Date(2026, 10, 28, 12);
  const old = localDayBefore(today, 10);
  const dir = storage();
  const live = await open(dir, { now: () => today });
  appendFileSync(live.path, reserveLine('old', old, 1, 0.5) + settleLine('old', old, 2, 0.4) + reserveLine('refused-old', old, 3, 200));
  live.refresh();
  // Later days close the old one; then the same settlement again (two sweepers racing), and the refused
  // reservation's courtesy settlement, both arrive after its id was dropped from memory.
  appendFileSync(live.path, reserveLine('today', localDayBefore(today, 0), Date.now(), 0.1));
  live.refresh();
  appendFileSync(live.path, settleLine('old', old, 5, 0.4) + settleLine('refused-old', old, 6, 0.3));
  live.refresh();
  const fresh = await open(dir, { now: () => today });
  for (const ledger of [live, fresh]) {
    assert.equal(ledger.history(11).find((d) => d.day === old)?.spentUsd, 0.4);
    assert.deepEqual((await readSettledCalls(ledger.path)).map((c) => c.id), ['old']);
  }
  live.close();
  fresh.close();
});

/**
 * A process that reserved a $0.70 call on 20 November and stalled with it in flight; the clock it and every
 * later ledger read says a week later (the laptop slept), and `dir` is the journal they share.
 */
async function stalledForAWeek() {
  let now = new Date(2026, 10, 20, 12);
  const dir = storage();
  const stalled = await open(dir, { now: () => now, isAlive: () => true });
  const reserved = await stalled.reserve({ ...call, usd: 0.7, budgetUsd: 1 });
  assert.ok(reserved.ok);
  const day = stalled.status(1).day;
  now = new Date(2026, 10, 28, 12);
  return { dir, stalled, reserved, day, now };
}

test('a call still open when its day closes (a stalled process) is settled once: a sweep after its own settlement counts nothing', async () => {
  const { dir, stalled, reserved, day, now } = await stalledForAWeek();
  const other = await open(dir, { now: () => now, isAlive: () => true, maxReservationAgeMs: 30 * 86_400_000 });
  const fresh = await other.reserve({ ...call, usd: 0.1, budgetUsd: 1 });
  assert.ok(fresh.ok); // A line of today: the call's day is closed now.
  assert.equal(await stalled.settle(reserved.id, { usd: 0.25, estimated: false, outcome: 'ok' }), 0.25);
  // A sweeper that saw it open a moment before writes the worst case too: the first settlement wins.
  appendFileSync(stalled.path, settleLine(reserved.id, day, now.getTime(), 0.7));
  for (const ledger of [stalled, other, await open(dir, { now: () => now })]) {
    ledger.refresh();
    assert.equal(ledger.history(9).find((d) => d.day === day)?.spentUsd, 0.25);
    assert.equal(ledger.status(1).reservedUsd, 0.1);
  }
  stalled.close();
  other.close();
});

test('a stalled call swept as an orphan before its day closed learns the worst case recorded for it, and its late settlement counts nothing', async () => {
  const { dir, stalled, reserved, day, now } = await stalledForAWeek();
  // Opening sweeps it (older than any call can last), then a call of today closes its day, all before
  // the stalled process reads a line.
  const other = await open(dir, { now: () => now, isAlive: () => true });
  assert.ok((await other.reserve({ ...call, usd: 0.1, budgetUsd: 1 })).ok);
  assert.equal(await stalled.settle(reserved.id, { usd: 0.25, estimated: false, outcome: 'ok' }), 0.7);
  for (const ledger of [stalled, other, await open(dir, { now: () => now })]) {
    ledger.refresh();
    assert.equal(ledger.history(9).find((d) => d.day === day)?.spentUsd, 0.7);
    assert.deepEqual((await readSettledCalls(ledger.path)).map((c) => [c.usd, c.outcome]), [[0.7, 'orphaned']]);
  }
  stalled.close();
  other.close();
});
