/**
 * The CSV export reads the whole journal again, asynchronously a piece at a time: it lists exactly the calls
 * the ledger's fold counts, in the same order and format as folding the whole file at once, and the server
 * goes on serving other work while it reads.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ledger, type LedgerOptions } from '../../server/src/budget/ledger';
import { localDayBefore, parseEntry, type SettleEntry } from '../../server/src/budget/ledgerEntry';
import { LedgerState } from '../../server/src/budget/ledgerState';
import { exportUsageCsv, readSettledCalls, usageCsvHeader, usageCsvRow } from '../../server/src/budget/usageCsv';
import { ExportUsageRequest, UsageRequest } from '../../server/src/protocol';
import { startServerUnderTest } from './support/lspHarness';

const today = new Date(2026, 10, 28, 12);

function storage(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-export-'));
}

async function open(storageDir: string, options: Partial<LedgerOptions> = {}): Promise<Ledger> {
  return Ledger.open({ storageDir, now: () => today, ...options });
}

function line(entry: object): string {
  return `\n${JSON.stringify(entry)}\n`;
}

function reserve(id: string, day: string, at: number, usd: number, extra: object = {}): string {
  return line({ t: 'reserve', id, day, at, provider: 'anthropic', model: 'model-a', usd, budgetUsd: 100, pid: 1, host: hostname(), instance: 'old', ...extra });
}

function settle(id: string, day: string, at: number, usd: number, extra: object = {}): string {
  return line({ t: 'settle', id, day, at, provider: 'anthropic', model: 'model-a', usd, estimated: false, outcome: 'ok', ...extra });
}

/**
 * `days` days of `perDay` calls ending yesterday, as other processes wrote them: varied usage, models that
 * need CSV quoting, settlements written out of time order (clocks of several processes) and in the same
 * millisecond, a repeated settlement, a refused reservation, a damaged line, a line longer than a read.
 */
function pastJournal(days: number, perDay: number): string {
  let text = '';
  for (let d = days; d >= 1; d--) {
    const day = localDayBefore(today, d);
    const at = today.getTime() - d * 86_400_000;
    for (let i = 0; i < perDay; i++) {
      const id = `${day}-${i}`;
      const model = i % 5 === 0 ? 'claude,"odd"' : `model-${i % 3}`;
      const settledAt = at + (i % 4 === 0 ? 1000 - i : i) * 10 + (i % 7 === 0 ? 0 : 1); // Out of order, with ties.
      text += reserve(id, day, at + i, 0.02, { model });
      text += settle(id, day, settledAt, 0.01 + (i % 9) / 1000, {
        model,
        ...(i % 3 === 0 ? {} : { usage: { inputTokens: 100 + i, outputTokens: i, ...(i % 2 ? { cacheReadTokens: 7 } : {}) } }),
        estimated: i % 6 === 0,
        outcome: i % 8 === 0 ? 'failed' : 'ok',
      });
    }
    text += settle(`${day}-1`, day, at + 5000, 0.5); // A repeated settlement: the first counts.
    text += reserve(`${day}-refused`, day, at, 500, { budgetUsd: 1 }) + settle(`${day}-refused`, day, at, 0, { outcome: 'notSent' });
    if (d === Math.floor(days / 2)) {
      text += '{"t":"settle","id":"damaged","usd":9\u0000\u0000\n';
      const long = `model-${'l'.repeat(100 * 1024)}`;
      text += reserve(`${day}-long`, day, at, 0.02, { model: long }) + settle(`${day}-long`, day, at + 1, 0.01, { model: long });
    }
  }
  return text;
}

/** The export computed the plain way: the whole file read at once, every complete line folded, sorted. */
function foldedAtOnce(path: string): { csv: string; rows: number } {
  const calls: SettleEntry[] = [];
  const state = new LedgerState((call) => calls.push(call));
  const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1); // The last piece has no newline yet.
  for (const text of lines) {
    const entry = text === '' ? undefined : parseEntry(text);
    if (entry) {
      state.apply(entry);
    }
  }
  calls.sort((a, b) => a.at - b.at);
  return { csv: [usageCsvHeader, ...calls.map(usageCsvRow)].map((line) => `${line}\r\n`).join(''), rows: calls.length };
}

test('the export lists the calls of a whole fold of the file: many days, damage, an orphan, open reservations and a torn last line', async () => {
  const dir = storage();
  const first = await open(dir);
  appendFileSync(first.path, pastJournal(30, 40));
  // A reservation of a process that is gone: the next ledger to open settles it at its worst case.
  appendFileSync(first.path, reserve('orphan', localDayBefore(today, 0), today.getTime(), 0.7, { pid: 999_999_999, host: hostname() }));
  first.close();
  const ledger = await open(dir, { isAlive: (pid) => pid !== 999_999_999 });
  const settled = await ledger.reserve({ provider: 'openai', model: 'gpt-5.5', usd: 0.5, budgetUsd: 100 });
  assert.ok(settled.ok);
  await ledger.settle(settled.id, { usd: 0.0123, usage: { inputTokens: 100, outputTokens: 20 }, estimated: false, outcome: 'ok' });
  const held = await ledger.reserve({ provider: 'openai', model: 'gpt-5.5', usd: 0.25, budgetUsd: 100 });
  assert.ok(held.ok); // Still open: not a settled call.
  // Another process's settlement of it, cut off while being written: not a complete line yet.
  const torn = settle(held.id, localDayBefore(today, 0), today.getTime(), 0.2);
  appendFileSync(ledger.path, torn.slice(0, 70));

  const exported = await exportUsageCsv(ledger.path);
  assert.deepEqual(exported, foldedAtOnce(ledger.path));
  // 40 calls a day for 30 days, the long-lined call, the orphan and today's settled call.
  assert.equal(exported.rows, 30 * 40 + 3);
  const rows = exported.csv.split('\r\n');
  assert.match(rows.at(-2) ?? '', /,openai,gpt-5\.5,100,20,,,0\.0123,false,ok$/);
  assert.ok(rows.some((row) => row.endsWith(',0.7,true,orphaned')));
  assert.ok(rows.some((row) => row.includes(',"claude,""odd""",')));
  assert.ok(!rows.some((row) => row.includes(',0.2,')));
  assert.deepEqual((await readSettledCalls(ledger.path)).map((c) => c.id).slice(-1), [settled.id]);

  // The torn line completed: now the held call is settled, and listed.
  appendFileSync(ledger.path, torn.slice(70));
  const completed = await exportUsageCsv(ledger.path);
  assert.deepEqual(completed, foldedAtOnce(ledger.path));
  assert.equal(completed.rows, 30 * 40 + 4);
  assert.equal(await ledger.settle(held.id, { usd: 0.1, estimated: false, outcome: 'ok' }), 0.2);
  ledger.close();
});

test('an export of a journal that is gone lists no calls', async () => {
  assert.deepEqual(await exportUsageCsv(join(storage(), 'budget', 'ledger.jsonl')), { csv: `${usageCsvHeader}\r\n`, rows: 0 });
});

test('the export reads the journal a piece at a time: timers and other callbacks run before it has read it all', async () => {
  const dir = storage();
  mkdirSync(join(dir, 'budget'));
  const path = join(dir, 'budget', 'ledger.jsonl');
  writeFileSync(path, pastJournal(20, 40)); // ~0.6 MB: about ten pieces.
  const order: string[] = [];
  let turns = 0;
  const exporting = exportUsageCsv(path).then((result) => {
    order.push('export');
    return result;
  });
  setTimeout(() => order.push('timer'), 0);
  // Counts event-loop turns while the export runs; a read that blocked till the end would allow none.
  await new Promise<void>((resolve) => {
    const spin = () => {
      if (order.includes('export')) {
        resolve();
        return;
      }
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
  });
  assert.deepEqual(order, ['timer', 'export']);
  assert.ok(turns >= 5, `only ${turns} event-loop turns while the export read the journal`);
  assert.equal((await exporting).rows, 20 * 40 + 1);
});

test('over LSP, a request sent while an export reads a long journal is answered before the export', async () => {
  const dir = storage();
  mkdirSync(join(dir, 'budget'));
  writeFileSync(join(dir, 'budget', 'ledger.jsonl'), pastJournal(20, 40));
  const server = await startServerUnderTest({ storageDir: dir });
  try {
    const answered: string[] = [];
    const exported = server.connection.sendRequest(ExportUsageRequest.type, {}).then((result) => {
      answered.push('exportUsage');
      return result;
    });
    const usage = server.connection.sendRequest(UsageRequest.type, {}).then(() => answered.push('usage'));
    const [result] = await Promise.all([exported, usage]);
    assert.deepEqual(answered, ['usage', 'exportUsage']);
    assert.equal(result.rows, 20 * 40 + 1);
  } finally {
    server.close();
  }
});
