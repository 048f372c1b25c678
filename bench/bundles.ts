/**
 * The size of what ships: `node esbuild.mjs --production` (the build `npm run package` uses), then the
 * bytes of the extension host bundle and of the language server bundle. Sizes do not vary between runs,
 * so one build is the measurement.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
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
    figure('serverBundleBytes', 'B', [bytes('dist/server/server.js')], {
      note: 'dist/server/server.js, minified production build; no goal in the issue',
    }),
  ];
}
