/**
 * The budget ledger under load: 4 processes (4 VS Code windows) sharing one ledger file, each running
 * reserve+settle pairs back to back. Figures: pairs per second over all processes (first start to last
 * end), and the 99th percentile of one pair's latency.
 *
 * Self-contained on purpose: the ledger is built on another branch. Assumed interface (server/src/budget/
 * ledger.ts): `Ledger.open({ storageDir }) → Promise<Ledger>`; `reserve({ provider, model, usd, budgetUsd })
 * → Promise<{ ok: true; id } | { ok: false }>`; `settle(id, { usd, estimated, outcome: 'ok' })`; `close()`.
 * When that file is missing the figures say so instead of failing the run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figure, type Figure, median, percentile, unavailable } from './stats';

/** The part of the ledger module this benchmark uses. */
export interface LedgerModule {
  Ledger: {
    open(options: { storageDir: string }): Promise<{
      reserve(request: { provider: string; model: string; usd: number; budgetUsd: number }): Promise<{ ok: true; id: string } | { ok: false }>;
      settle(id: string, settlement: { usd: number; estimated: boolean; outcome: 'ok' }): Promise<unknown>;
      close(): void;
    }>;
  };
}

const PROCESSES = 4;
const PAIRS_PER_PROCESS = 500;
const RUNS = 3;
/** Time for every worker to start Node + tsx and open the ledger before the common start. */
const START_DELAY_MS = 4_000;

interface WorkerReport {
  latencies: number[];
  startedAt: number;
  endedAt: number;
}

function runWorker(root: string, modulePath: string, storageDir: string, startAt: number): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench', 'ledgerWorker.ts'), modulePath, storageDir, String(PAIRS_PER_PROCESS), String(startAt)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`A ledger worker exited with ${code}: ${err.trim()}`));
        return;
      }
      resolve(JSON.parse(out.trim()) as WorkerReport);
    });
  });
}

export async function measureLedger(root: string, log: (line: string) => void): Promise<Figure[]> {
  // TOLLGATE_BENCH_LEDGER_MODULE points at another ledger.ts (e.g. the budget branch's worktree), read only.
  const modulePath = process.env['TOLLGATE_BENCH_LEDGER_MODULE'] ?? join(root, 'server', 'src', 'budget', 'ledger.ts');
  if (!existsSync(modulePath)) {
    return [
      unavailable('ledgerOpsPerSec', 'pairs/s', { min: 1_000 }, 'ledger not built (server/src/budget/ledger.ts is missing)'),
      unavailable('ledgerP99Ms', 'ms', { max: 20 }, 'ledger not built (server/src/budget/ledger.ts is missing)'),
    ];
  }
  const rates: number[] = [];
  const p99s: number[] = [];
  const medians: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const storageDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-ledger-'));
    try {
      const startAt = Date.now() + START_DELAY_MS;
      const reports = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(root, modulePath, storageDir, startAt)));
      const latencies = reports.flatMap((r) => r.latencies);
      const wallMs = Math.max(...reports.map((r) => r.endedAt)) - Math.min(...reports.map((r) => r.startedAt));
      rates.push(latencies.length / (wallMs / 1000));
      p99s.push(percentile(latencies, 99));
      medians.push(median(latencies));
      log(`ledger run ${run + 1}: ${latencies.length} pairs in ${wallMs} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`);
    } finally {
      rmSync(storageDir, { recursive: true, force: true });
    }
  }
  const note = `${PROCESSES} processes × ${PAIRS_PER_PROCESS} reserve+settle pairs on one ledger file, per run`;
  return [
    figure('ledgerOpsPerSec', 'pairs/s', rates, { goal: { min: 1_000 }, note }),
    figure('ledgerP99Ms', 'ms', p99s, {
      goal: { max: 20 },
      note: `99th percentile of one pair's latency per run (median pair ${median(medians).toFixed(2)} ms)`,
    }),
  ];
}
