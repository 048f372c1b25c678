// Builds the language server the way esbuild.mjs does (scripts/serverBuild.mjs: an ES module with its
// lazily imported parts as chunk files), into a fresh temporary folder, for tests that run it as a real
// `--stdio` process. Returns the bundle's folder (a good place for its `--storage` too) and esbuild's
// metafile (which output holds which source).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { serverBuildOptions } from '../../../scripts/serverBuild.mjs';

const root = join(import.meta.dirname, '..', '..', '..');

export async function buildServerBundle(): Promise<{ outdir: string; bundle: string; metafile: Metafile }> {
  const outdir = mkdtempSync(join(tmpdir(), 'tollgate-server-bundle-'));
  const { metafile } = await build({ ...serverBuildOptions(outdir, { absWorkingDir: root, metafile: true }), logLevel: 'silent' });
  if (!metafile) {
    throw new Error('esbuild returned no metafile although one was asked for.');
  }
  return { outdir, bundle: join(outdir, 'server.js'), metafile };
}
