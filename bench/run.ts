/**
 * `npm run bench`: every figure of issue 7, each from repeated runs against a baseline taken in the same
 * run, written to bench/results.json and bench/results.md. Not part of `npm test`: numbers on a shared
 * machine vary, so nothing here asserts a time; the table says which goals were met.
 *   npm run bench                 everything (~3–4 min on 2 cores)
 *   npm run bench -- --skip-vscode  without the real VS Code figures (webviewLongTasks, activationMs)
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

async function main(): Promise<void> {
  const started = Date.now();
  const skipVsCode = process.argv.includes('--skip-vscode');
  log('production build');
  productionBuild(root);
  const figures: Figure[] = [];
  figures.push(...measureBundles(root));

  const fake = await startFakeProvider();
  try {
    const serverJs = join(root, 'dist', 'server', 'server.js');
    figures.push(...(await measurePipeline(fake, serverJs, log)));
    figures.push(...(await measureMemory(fake, serverJs, log)));
  } finally {
    await fake.close();
  }
  figures.push(...(await measureLedger(root, log)));
  if (skipVsCode) {
    figures.push(unavailable('webviewLongTasks', 'tasks', { max: 0 }, 'skipped (--skip-vscode)'));
    figures.push(unavailable('activationMs', 'ms', { max: 20 }, 'skipped (--skip-vscode)'));
  } else {
    figures.push(...(await measureInVsCode(log)));
  }

  const order = ['ttftOverheadMs', 'throughputRatio', 'chunksPerSec', 'webviewLongTasks', 'activationMs', 'clientBundleBytes',
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
