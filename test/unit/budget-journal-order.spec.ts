/**
 * The ledger takes no lock: the journal's order decides which reservation gets the last of the budget.
 * The rule on hand-written lines, then real processes racing for a tight budget.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ledger } from '../../server/src/budget/ledger';
import { localDay } from '../../server/src/budget/ledgerEntry';
import { readSettledCalls } from '../../server/src/budget/usageCsv';

function storage(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-journal-order-'));
}

/** A line as another live process would write it. */
function reserveLine(id: string, usd: number, budgetUsd?: number): string {
  const entry = {
    t: 'reserve',
    id,
    day: localDay(new Date()),
    at: Date.now(),
    provider: 'anthropic',
    model: 'claude-sonnet-5-5',
    usd,
    ...(budgetUsd === undefined ? {} : { budgetUsd }),
    pid: process.pid,
    host: hostname(),
    instance: 'another-process',
  };
  return `\n${JSON.stringify(entry)}\n`;
}

function settleLine(id: string, usd: number): string {
  const entry = { t: 'settle', id, day: localDay(new Date()), at: Date.now(), provider: 'anthropic', model: 'claude-sonnet-5-5', usd, estimated: false, outcome: 'ok' };
  return `\n${JSON.stringify(entry)}\n`;
}

test('of two reservations that each fit alone, the later line is refused, by every reader whatever its own budget', async () => {
  const dir = storage();
  const reader = await Ledger.open({ storageDir: dir });
  // Two processes each saw $0.40 left of $1 and wrote at once: only the order of their lines tells.
  appendFileSync(reader.path, reserveLine('first', 0.6, 1) + reserveLine('second', 0.6, 1));
  reader.refresh();
  // The budget each line states decides, not the reader's setting.
  assert.deepEqual([reader.status(100).reservedUsd, reader.status(100).pendingCalls], [0.6, 1]);
  // A settlement of the refused one (its writer's courtesy line, or a confused writer) counts nothing.
  appendFileSync(reader.path, settleLine('second', 0.5));
  reader.refresh();
  assert.deepEqual([reader.status(1).spentUsd, reader.status(1).reservedUsd], [0, 0.6]);
  const fresh = await Ledger.open({ storageDir: dir });
  assert.deepEqual([fresh.status(1).spentUsd, fresh.status(1).reservedUsd], [0, 0.6]);
  // Today's raises count for the lines after them: with $1 more the same reservation fits.
  await fresh.raiseToday(1);
  appendFileSync(reader.path, reserveLine('third', 0.6, 1));
  reader.refresh();
  assert.equal(reader.status(1).reservedUsd, 1.2);
  reader.close();
  fresh.close();
});

test('a reservation line of an older Tollgate (admitted under its lock, no budget stated) counts as admitted', async () => {
  const dir = storage();
  const ledger = await Ledger.open({ storageDir: dir });
  appendFileSync(ledger.path, reserveLine('old', 0.6));
  ledger.refresh();
  assert.equal(ledger.status(0.1).reservedUsd, 0.6);
  ledger.close();
});

interface ReserverReport {
  admitted: string[];
  seen: string[];
  reopened: { calls?: number; linesRead?: number; reservedUsd?: number };
}

function runReserver(args: string[]): Promise<ReserverReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'ledgerReserver.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ReserverReport) : reject(new Error(`reserver exited with ${code}: ${err}`))));
  });
}

interface Line {
  t: string;
  id: string;
  usd: number;
}

test('4 processes racing for a budget that holds 2 calls never hold more, and all agree which reservations were admitted', { timeout: 120_000 }, async (t) => {
  const dir = storage();
  const barrier = join(dir, 'barrier');
  mkdirSync(barrier);
  const processes = 4;
  const usd = 0.4;
  const budget = 1; // Two reservations fit, a third does not.
  const reports = await Promise.all(
    Array.from({ length: processes }, () => runReserver([dir, barrier, String(processes), '300', String(usd), String(budget)])),
  );
  const admitted = new Set(reports.flatMap((r) => r.admitted));
  assert.equal(admitted.size, reports.reduce((n, r) => n + r.admitted.length, 0), 'an id was admitted twice');
  assert.ok(admitted.size > 0);

  // Every process's fold of the finished journal, and ours, holds exactly the reservations their writers were told were admitted.
  for (const report of reports) {
    assert.deepEqual(new Set(report.seen), admitted);
  }
  const reader = await Ledger.open({ storageDir: dir });
  assert.deepEqual(new Set((await readSettledCalls(reader.path)).map((c) => c.id)), admitted);
  assert.equal(reader.status(budget).reservedUsd, 0);
  reader.close();

  // Replay the journal: at no point did the admitted reservations hold more than the budget, and every
  // refused line came when the budget could not take it.
  const lines = readFileSync(join(dir, 'budget', 'ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
  const open = new Set<string>();
  let refusedLines = 0;
  for (const line of lines) {
    if (line.t === 'reserve' && admitted.has(line.id)) {
      open.add(line.id);
      assert.ok(open.size * usd <= budget + 1e-9, `${open.size} reservations of $${usd} held against $${budget}`);
    } else if (line.t === 'reserve') {
      refusedLines++;
      assert.ok((open.size + 1) * usd > budget, 'a reservation that fit was refused');
    } else if (line.t === 'settle') {
      open.delete(line.id);
    }
  }
  assert.equal(open.size, 0);
  // How often the race reached the journal (the rest were refused before writing): for the log only.
  t.diagnostic(`${admitted.size} admitted, ${refusedLines} refused by the journal's order`);
});

test('4 processes racing while they write checkpoints: every ledger reopened from the last checkpoint counts exactly the admitted calls', { timeout: 120_000 }, async () => {
  const dir = storage();
  const barrier = join(dir, 'barrier');
  mkdirSync(barrier);
  const processes = 4;
  // A checkpoint every ~2 KB (about 8 lines): many written, by every process, while the others append.
  const reports = await Promise.all(
    Array.from({ length: processes }, () => runReserver([dir, barrier, String(processes), '200', '0.4', '1', '2048'])),
  );
  const admitted = new Set(reports.flatMap((r) => r.admitted));
  assert.equal(admitted.size, reports.reduce((n, r) => n + r.admitted.length, 0), 'an id was admitted twice');
  const lines = readFileSync(join(dir, 'budget', 'ledger.jsonl'), 'utf8').split('\n').filter((line) => line !== '').length;
  for (const report of reports) {
    assert.deepEqual(new Set(report.seen), admitted);
    assert.deepEqual([report.reopened.calls, report.reopened.reservedUsd], [admitted.size, 0]);
    assert.ok((report.reopened.linesRead ?? lines) < lines, `a reopened ledger read ${report.reopened.linesRead} of ${lines} lines`);
  }
});
