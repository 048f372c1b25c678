/**
 * The size of what ships: `node esbuild.mjs --production` (the build `npm run package` uses), then the
 * bytes of the extension host bundle and of the language server bundle. Sizes do not vary between runs,
 * so one build is the measurement.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { figure, type Figure } from './stats';

export function productionBuild(root: string): void {
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
}

export function measureBundles(root: string): Figure[] {
  const bytes = (file: string) => statSync(join(root, file)).size;
  return [
    figure('clientBundleBytes', 'B', [bytes('dist/client/extension.js')], {
      goal: { max: 150 * 1024 },
      note: 'dist/client/extension.js, minified production build (the goal is 150 KB = 153,600 B)',
    }),
    // The tokenizer's rank tables ship as JSON beside server.js (scripts/rankTables.mjs): they count too.
    figure('serverBundleBytes', 'B', [bytes('dist/server/server.js') + rankTables(root).reduce((sum, file) => sum + bytes(file), 0)], {
      note: `dist/server/server.js (${bytes('dist/server/server.js').toLocaleString('en-US')} B), minified production build, plus the rank tables it reads (${rankTables(root).map((file) => file.slice('dist/server/'.length)).join(', ')}); no goal in the issue`,
    }),
  ];
}

/** The JSON data files the server bundle reads at run time, as paths from the repository root. */
function rankTables(root: string): string[] {
  return readdirSync(join(root, 'dist', 'server'))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => `dist/server/${name}`);
}
