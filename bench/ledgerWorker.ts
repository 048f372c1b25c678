/**
 * One of the processes sharing a ledger in the ledger benchmark:
 *   node --import tsx bench/ledgerWorker.ts <ledger module> <storage dir> <pairs> <start at (epoch ms)>
 * Opens the ledger, waits for the common start time, runs `pairs` reserve+settle pairs back to back and
 * prints one JSON line: each pair's latency and when it started and ended (epoch ms).
 */
import type { LedgerModule } from './ledger';

async function main(): Promise<void> {
  const [modulePath, storageDir, pairsArg, startAtArg] = process.argv.slice(2);
  if (!modulePath || !storageDir || !pairsArg || !startAtArg) {
    throw new Error('usage: ledgerWorker.ts <ledger module> <storage dir> <pairs> <start at>');
  }
  const { Ledger } = (await import(modulePath)) as LedgerModule;
  const ledger = await Ledger.open({ storageDir });
  const wait = Number(startAtArg) - Date.now();
  if (wait > 0) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const latencies: number[] = [];
  const startedAt = Date.now();
  for (let i = 0; i < Number(pairsArg); i++) {
    const t0 = performance.now();
    const reserved = await ledger.reserve({ provider: 'anthropic', model: 'bench-model', usd: 0.01, budgetUsd: 1_000_000 });
    if (!reserved.ok) {
      throw new Error('The ledger refused a reservation far under the budget.');
    }
    await ledger.settle(reserved.id, { usd: 0.005, estimated: false, outcome: 'ok' });
    latencies.push(performance.now() - t0);
  }
  const endedAt = Date.now();
  ledger.close();
  process.stdout.write(`${JSON.stringify({ latencies, startedAt, endedAt })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
