// One esbuild context per target, shaped like vscode-extension-samples' esbuild-sample.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --production  minified, no sourcemaps (used by `npm run package`)
import * as esbuild from 'esbuild';
import { rankTablesAsData } from './scripts/rankTables.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints esbuild's problems in the `file:line:col: error: text` form VS Code's problem matchers read. */
const problemReporter = {
  name: 'problem-reporter',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of [...result.errors, ...result.warnings]) {
        if (location) {
          console.error(`${location.file}:${location.line}:${location.column}: error: ${text}`);
        } else {
          console.error(`error: ${text}`);
        }
      }
      if (watch) {
        console.log(`[watch] build finished (${result.errors.length} errors)`);
      }
    });
  },
};

const shared = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [problemReporter],
};

const targets = [
  // Extension host: CommonJS for VS Code's loader; `vscode` is provided by the host.
  {
    ...shared,
    entryPoints: { extension: 'client/src/extension.ts' },
    outdir: 'dist/client',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  // Language server: a plain Node program (`node dist/server/server.js --stdio`), with the tokenizer's
  // rank tables as JSON files beside it.
  {
    ...shared,
    entryPoints: { server: 'server/src/server.ts' },
    outdir: 'dist/server',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [...shared.plugins, rankTablesAsData],
  },
  // Chat view: browser code loaded into the webview.
  {
    ...shared,
    entryPoints: { chat: 'client/webview/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css', '.ttf': 'file' },
  },
];

const contexts = await Promise.all(targets.map((options) => esbuild.context(options)));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  const results = await Promise.allSettled(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  if (results.some((r) => r.status === 'rejected' || r.value.errors.length > 0)) {
    process.exit(1);
  }
}
