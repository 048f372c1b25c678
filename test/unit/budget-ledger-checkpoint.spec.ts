/**
 * The ledger's checkpoint: opening folds only the journal lines after it, to the same figures as folding the
 * whole journal; a checkpoint that does not match the journal, or is damaged, is not used.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ledger, type LedgerOptions } from '../../server/src/budget/ledger';
import { localDayBefore, parseEntry, type LedgerEntry } from '../../server/src/budget/ledgerEntry';
import { LedgerState } from '../../server/src/budget/ledgerState';
import { readSettledCalls } from '../../server/src/budget/usageCsv';

const call = { provider: 'anthropic', model: 'claude-sonnet-5-5' };
const today = new Date(2026, 10, 28, 12);

function storage(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-ledger-checkpoint-'));
}

async function open(storageDir: string, options: Partial<LedgerOptions> = {}): Promise<Ledger> {
  return Ledger.open({ storageDir, now: () => today, ...options });
}

function line(entry: object): string {
  return `\n${JSON.stringify(entry)}\n`;
}

/** `days` days of `perDay` calls ending yesterday (2 lines each), with a raise and a refused reservation per day. */
function pastJournal(days: number, perDay: number): string {
  let text = '';
  for (let d = days; d >= 1; d--) {
    const day = localDayBefore(today, d);
    const at = today.getTime() - d * 86_400_000;
    text += line({ t: 'raise', day, at, usd: 0.5 });
    for (let i = 0; i < perDay; i++) {
      const model = i % 3 === 0 ? 'model-a' : 'model-b';
      const id = `${day}-${i}`;
      text += line({ t: 'reserve', id, day, at: at + i, provider: 'anthropic', model, usd: 0.02, budgetUsd: 100, pid: 1, host: hostname(), instance: 'old' });
      text += line({ t: 'settle', id, day, at: at + i, provider: 'anthropic', model, usd: 0.01 + (i % 7) / 1000, estimated: false, outcome: 'ok' });
    }
    text += line({ t: 'reserve', id: `${day}-huge`, day, at, provider: 'anthropic', model: 'model-a', usd: 500, budgetUsd: 1, pid: 1, host: hostname(), instance: 'old' });
  }
  return text;
}

/** Everything a ledger shows: today's status, 400 days of history, the open days' calls, damage. */
function figures(ledger: Ledger): unknown {
  return {
    status: ledger.status(1),
    history: ledger.history(400),
    open: [0, 1, 2, 3].map((d) => ledger.callsOn(localDayBefore(today, d))),
    damage: ledger.damage,
  };
}

/** The figures of a ledger folding the whole journal: its checkpoint moved away while it opens. */
async function fullFold(dir: string): Promise<{ figures: unknown; lines: number }> {
  const checkpoint = join(dir, 'budget', 'ledger.checkpoint.json');
  const aside = `${checkpoint}.aside`;
  renameSync(checkpoint, aside);
  const ledger = await open(dir, { checkpointEveryBytes: Number.MAX_SAFE_INTEGER });
  const result = { figures: figures(ledger), lines: ledger.linesRead };
  ledger.close();
  renameSync(aside, checkpoint);
  return result;
}

test('opening a long journal folds only the lines after its checkpoint, to the same figures as folding it all', async () => {
  const dir = storage();
  const first = await open(dir);
  appendFileSync(first.path, pastJournal(60, 40) + 'a damaged line\n');
  first.close();
  // The first ledger to open folds all of it, and leaves a checkpoint for the next.
  const writer = await open(dir, { isAlive: () => false });
  assert.ok(writer.linesRead > 60 * 80);
  const reserved = await writer.reserve({ ...call, usd: 0.4, budgetUsd: 1 });
  assert.ok(reserved.ok);
  const open1 = await writer.reserve({ ...call, usd: 0.3, budgetUsd: 1 });
  assert.ok(open1.ok);
  await writer.settle(reserved.id, { usd: 0.2, estimated: false, outcome: 'ok' });
  await writer.raiseToday(0.25);

  const reader = await open(dir, { isAlive: () => true });
  // The checkpoint was taken when the writer opened: only its 4 lines since (2 reservations, 1 settlement, 1 raise) are read.
  assert.equal(reader.linesRead, 4);
  const full = await fullFold(dir);
  assert.ok(full.lines > 60 * 80);
  assert.deepEqual(figures(reader), full.figures);
  assert.equal(reader.damage.length, 1, 'damage before the checkpoint is still reported');
  assert.deepEqual([reader.status(1).spentUsd, reader.status(1).reservedUsd, reader.status(1).budgetUsd], [0.2, 0.3, 1.25]);
  // Admission goes on from the checkpoint's state: $0.75 is left of $1.25, and $0.3 of it is held.
  assert.equal((await reader.reserve({ ...call, usd: 0.8, budgetUsd: 1 })).ok, false);
  assert.ok((await reader.reserve({ ...call, usd: 0.7, budgetUsd: 1 })).ok);
  // The export still reads every call from the journal.
  assert.equal((await readSettledCalls(reader.path)).length, 60 * 40 + 1);
  writer.close();
  reader.close();
});

test('a checkpoint is not used for a journal replaced or rewritten by hand, nor when it is damaged', async () => {
  const dir = storage();
  const first = await open(dir);
  appendFileSync(first.path, pastJournal(20, 40));
  first.close();
  const checkpoint = join(dir, 'budget', 'ledger.checkpoint.json');
  (await open(dir)).close();
  assert.ok(existsSync(checkpoint));

  // Rewritten in place (same inode), as long as before but with other amounts: folded from the start.
  const journal = join(dir, 'budget', 'ledger.jsonl');
  writeFileSync(journal, readFileSync(journal, 'utf8').replaceAll('"usd":0.01', '"usd":0.02'));
  const rewritten = await open(dir, { checkpointEveryBytes: Number.MAX_SAFE_INTEGER });
  assert.ok(rewritten.linesRead > 20 * 80);
  assert.equal(rewritten.history(2)[1]?.spentUsd, 0.915);
  assert.deepEqual(figures(rewritten), (await fullFold(dir)).figures);
  rewritten.close();

  // Replaced by another file: folded from the start.
  writeFileSync(`${journal}.new`, line({ t: 'raise', day: localDayBefore(today, 0), at: today.getTime(), usd: 3 }));
  renameSync(`${journal}.new`, journal);
  const replaced = await open(dir);
  assert.deepEqual([replaced.linesRead, replaced.status(1).budgetUsd, replaced.history(2)[1]?.spentUsd], [1, 4, 0]);
  replaced.close();

  // A checkpoint cut short (a full disk) or of another format is ignored.
  writeFileSync(journal, pastJournal(20, 40));
  (await open(dir)).close();
  const text = readFileSync(checkpoint, 'utf8');
  for (const damaged of [text.slice(0, text.length / 2), text.replace('"v":1', '"v":2')]) {
    writeFileSync(checkpoint, damaged);
    const ledger = await open(dir, { checkpointEveryBytes: Number.MAX_SAFE_INTEGER });
    assert.ok(ledger.linesRead > 20 * 80);
    assert.equal(ledger.history(2)[1]?.spentUsd, 0.515);
    ledger.close();
  }
});

test('a temporary checkpoint left by a process that died while writing it is removed; a live one is left alone', async () => {
  const dir = storage();
  const left = join(dir, 'budget', 'ledger.checkpoint.json.999999.tmp');
  const live = join(dir, 'budget', 'ledger.checkpoint.json.424242.tmp');
  (await open(dir)).close();
  writeFileSync(left, '{"v":1,');
  writeFileSync(live, '{"v":1,');
  const ledger = await open(dir, { isAlive: (pid) => pid === 424242 });
  assert.deepEqual([existsSync(left), existsSync(live)], [false, true]);
  ledger.close();
  rmSync(live);
});

test('a state restored from a snapshot taken part way folds the rest to exactly the state of folding everything', () => {
  const entries = pastJournal(30, 20)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => parseEntry(l) as LedgerEntry);
  // An open reservation of a live process, and one of a closed day, both held across the snapshot.
  const open = (id: string, day: string): LedgerEntry => ({ t: 'reserve', id, day, at: 1, ...call, usd: 0.1, budgetUsd: 100, pid: 1, host: 'h', instance: 'i' });
  entries.splice(100, 0, open('held-old', localDayBefore(today, 30)));
  entries.push(open('held-today', localDayBefore(today, 0)));
  const whole = new LedgerState();
  entries.forEach((e) => whole.apply(e));
  for (const cut of [0, 1, 100, 101, entries.length - 300, entries.length]) {
    const before = new LedgerState();
    entries.slice(0, cut).forEach((e) => before.apply(e));
    const resumed = new LedgerState();
    resumed.restore(JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<LedgerState['snapshot']>);
    entries.slice(cut).forEach((e) => resumed.apply(e));
    assert.deepEqual(resumed.snapshot(), whole.snapshot(), `cut at ${cut}`);
    // And the figures read from it, in the same order (ties in spend keep the order models came in).
    assert.deepEqual(resumed.history(today, 31), whole.history(today, 31));
  }
  // The late settlement of the reservation held across the snapshot counts once.
  const late = (usd: number): LedgerEntry => ({ t: 'settle', id: 'held-old', day: localDayBefore(today, 30), at: 2, ...call, usd, estimated: false, outcome: 'ok' });
  whole.apply(late(0.05));
  whole.apply(late(0.07));
  assert.equal(whole.history(today, 31)[30]?.models.find((m) => m.model === call.model)?.spentUsd, 0.05);
});
