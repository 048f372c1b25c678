// Builds the language server the way esbuild.mjs does, into a fresh temporary folder, for tests that run
// it as a real `--stdio` process. Returns the bundle's folder (a good place for its `--storage` too).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { rankTablesAsData } from '../../../scripts/rankTables.mjs';

const root = join(import.meta.dirname, '..', '..', '..');

export async function buildServerBundle(): Promise<{ outdir: string; bundle: string }> {
  const outdir = mkdtempSync(join(tmpdir(), 'tollgate-server-bundle-'));
  await build({
    entryPoints: { server: join(root, 'server/src/server.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    plugins: [rankTablesAsData],
  });
  return { outdir, bundle: join(outdir, 'server.js') };
}
