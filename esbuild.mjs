// One esbuild context per target, shaped like vscode-extension-samples' esbuild-sample.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --production  minified, no sourcemaps (used by `npm run package`)
//   --metafile                     also writes esbuild's metafile per target (dist/<dir>/meta.json, what
//                                  each bundle holds; bench/bundles.ts reads it); never packaged
import { writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { serverBuildOptions } from './scripts/serverBuild.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const metafile = process.argv.includes('--metafile');

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
  metafile,
  logLevel: 'silent',
  plugins: [problemReporter],
};

/**
 * The entry bundle requires `./features.js` at run time (after activation); marking it external keeps
 * the features out of the entry bundle, which VS Code loads as part of activation.
 */
const lazyFeatures = {
  name: 'lazy-features',
  setup(build) {
    build.onResolve({ filter: /^\.\/features\.js$/ }, () => ({ path: './features.js', external: true }));
  },
};

const targets = [
  // Extension host: CommonJS for VS Code's loader; `vscode` is provided by the host. Two bundles: the
  // small entry (extension.js, what activation loads) and the features it loads right after.
  {
    ...shared,
    entryPoints: { extension: 'client/src/extension.ts', features: 'client/src/features.ts' },
    outdir: 'dist/client',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [...shared.plugins, lazyFeatures],
  },
  // Language server: a plain Node program (`node dist/server/server.js --stdio`), an ES module whose
  // lazily imported parts are chunk files beside it, with the tokenizer's rank tables as JSON files
  // (scripts/serverBuild.mjs).
  serverBuildOptions('dist/server', shared),
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
  if (metafile) {
    results.forEach((result, i) => writeFileSync(`${targets[i].outdir}/meta.json`, JSON.stringify(result.value.metafile)));
  }
}
