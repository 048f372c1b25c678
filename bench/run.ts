/**
 * `npm run bench`: every figure of issue 7, each from repeated runs against a baseline taken in the same
 * run, written to bench/results.json and bench/results.md. Not part of `npm test`: numbers on a shared
 * machine vary, so nothing here asserts a time; the table says which goals were met.
 *   npm run bench                 everything (~3–4 min on 2 cores)
 *   npm run bench -- --skip-vscode  without the real VS Code figures (webviewLongTasks, activationMs, activationRunningExtensionsMs)
 *   npm run bench -- --only ledger,memory   only these groups (bundles, pipeline, memory, ledger, vscode);
 *                                  for working on one figure — the results files then hold only those
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startFakeProvider } from '../test/fake-provider';
import { measureBundles, productionBuild } from './bundles';
import { measureLedger } from './ledger';
import { measureMemory, measurePipeline } from './pipeline';
import { type Figure, markdownTable, unavailable, verdict } from './stats';
import { measureInVsCode } from './vscode';

const root = join(import.meta.dirname, '..');

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

const groups = ['bundles', 'pipeline', 'memory', 'ledger', 'vscode'] as const;
type Group = (typeof groups)[number];

/** `--only a,b` → those groups; no flag → undefined (everything). An unknown name stops the run. */
function selectedGroups(argv: readonly string[]): Set<Group> | undefined {
  const at = argv.indexOf('--only');
  if (at === -1) {
    return undefined;
  }
  const names = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((name) => !(groups as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes a comma-separated list of ${groups.join(', ')}; got "${argv[at + 1] ?? ''}".`);
  }
  return new Set(names as Group[]);
}

async function main(): Promise<void> {
  const started = Date.now();
  const skipVsCode = process.argv.includes('--skip-vscode');
  const only = selectedGroups(process.argv);
  const runs = (group: Group) => only === undefined || only.has(group);
  log('production build');
  productionBuild(root);
  const figures: Figure[] = [];
  if (runs('bundles')) {
    figures.push(...measureBundles(root));
  }
  if (runs('pipeline') || runs('memory')) {
    const fake = await startFakeProvider();
    try {
      const serverJs = join(root, 'dist', 'server', 'server.js');
      if (runs('pipeline')) {
        figures.push(...(await measurePipeline(serverJs, log)));
      }
      if (runs('memory')) {
        figures.push(...(await measureMemory(fake, serverJs, log)));
      }
    } finally {
      await fake.close();
    }
  }
  if (runs('ledger')) {
    figures.push(...(await measureLedger(root, log)));
  }
  if (skipVsCode && only === undefined) {
    figures.push(unavailable('webviewLongTasks', 'tasks', { max: 0 }, 'skipped (--skip-vscode)'));
    figures.push(unavailable('activationMs', 'ms', { max: 20 }, 'skipped (--skip-vscode)'));
    figures.push(unavailable('activationRunningExtensionsMs', 'ms', { max: 20 }, 'skipped (--skip-vscode)'));
  } else if (!skipVsCode && runs('vscode')) {
    figures.push(...(await measureInVsCode(log)));
  }

  const order = ['ttftOverheadMs', 'throughputRatio', 'chunksPerSec', 'webviewLongTasks', 'activationMs', 'activationRunningExtensionsMs', 'clientBundleBytes', 'clientLazyBundleBytes',
    'serverBundleBytes', 'ledgerOpsPerSec', 'ledgerP99Ms', 'serverRssMb', 'rssGrowthMb'];
  figures.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  const at = new Date().toISOString();
  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(
    join(root, 'bench', 'results.json'),
    `${JSON.stringify({ at, machine, seconds, figures: figures.map((f) => ({ ...f, verdict: verdict(f) })) }, null, 2)}\n`,
  );
  const markdown = `# Tollgate benchmark results\n\n${at} · ${machine} · ${seconds} s\n\n${markdownTable(figures)}\n`;
  writeFileSync(join(root, 'bench', 'results.md'), markdown);
  process.stdout.write(markdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`The benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
