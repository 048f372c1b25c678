/**
 * One of the processes racing for a tight budget in budget-journal-order.spec.ts:
 *   node --import tsx test/unit/support/ledgerReserver.ts <storage dir> <barrier dir> <processes> <attempts> <usd> <budget> [<checkpoint every bytes>]
 * Opens the ledger, waits until every process has, then makes `attempts` reservations of `usd` against
 * `budget`, settling each admitted one at 0 before the next. When every process is done it reads the whole
 * journal again and prints one JSON line: the ids it was told were admitted, and the admitted ids its own
 * fold of the finished journal holds (every admitted reservation is settled by then). With a checkpoint
 * size, it also polls (writing checkpoints as it goes) and, at the end, opens the ledger again (from the
 * last checkpoint) and reports how many calls that fold counts today and how many lines it read.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../../../server/src/budget/ledger';
import { readSettledCalls } from '../../../server/src/budget/usageCsv';

async function allArrived(barrier: string, stage: string, processes: number): Promise<void> {
  writeFileSync(join(barrier, `${stage}-${process.pid}`), '');
  while (readdirSync(barrier).filter((name) => name.startsWith(`${stage}-`)).length < processes) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function main(): Promise<void> {
  const [storageDir, barrier, processes, attempts, usd, budget, checkpointEvery] = process.argv.slice(2);
  if (!storageDir || !barrier || !processes || !attempts || !usd || !budget) {
    throw new Error('usage: ledgerReserver.ts <storage dir> <barrier dir> <processes> <attempts> <usd> <budget>');
  }
  const ledger = await Ledger.open({ storageDir, ...(checkpointEvery ? { checkpointEveryBytes: Number(checkpointEvery) } : {}) });
  if (checkpointEvery) {
    ledger.watch(2);
  }
  await allArrived(barrier, 'ready', Number(processes));
  const admitted: string[] = [];
  for (let i = 0; i < Number(attempts); i++) {
    const reserved = await ledger.reserve({ provider: 'anthropic', model: 'race', usd: Number(usd), budgetUsd: Number(budget) });
    if (reserved.ok) {
      admitted.push(reserved.id);
      await ledger.settle(reserved.id, { usd: 0, estimated: false, outcome: 'notSent' });
    }
  }
  await allArrived(barrier, 'done', Number(processes));
  ledger.refresh();
  const seen = (await readSettledCalls(ledger.path)).map((call) => call.id);
  ledger.close();
  let reopened = {};
  if (checkpointEvery) {
    const fresh = await Ledger.open({ storageDir, checkpointEveryBytes: Number.MAX_SAFE_INTEGER });
    reopened = { calls: fresh.history(1)[0]?.models.find((m) => m.model === 'race')?.calls ?? 0, linesRead: fresh.linesRead, reservedUsd: fresh.status(Number(budget)).reservedUsd };
    fresh.close();
  }
  process.stdout.write(`${JSON.stringify({ admitted, seen, reopened })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
