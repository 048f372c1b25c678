// How the language server is bundled: by esbuild.mjs (dist/server) and by the tests that run the built
// server as a process (test/unit/support/serverBundle.ts), so both run the same program.
//
// An ES module build with code splitting: server.js holds what every server runs from its first message
// (the LSP connection, settings, budget, chat), and each `import()` of code needed only later — a
// provider's SDK with undici, ajv for extraction, the tokenizer's rank tables — becomes a chunk file
// beside it that Node reads only when that import runs. In one CommonJS file V8 had to pre-parse all of
// it at start, SDKs never called included: a 2 MB script held ~10 MB more resident memory than the code
// that ran (measured with a bundle whose only content was never-called `import()`s of the SDKs).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { rankTablesAsData } from './rankTables.mjs';

/**
 * After each build: writes `{"type":"module"}` beside the bundle, so Node (and the Node inside VS Code
 * that runs the server) loads server.js and its chunks as ES modules while they keep the `.js` name
 * every launcher uses; and deletes chunk files an earlier build left behind (their names hold a content
 * hash), which would otherwise accumulate and be packaged into the .vsix.
 * @type {import('esbuild').Plugin}
 */
const outdirHousekeeping = {
  name: 'outdir-housekeeping',
  setup(build) {
    const { outdir, absWorkingDir = process.cwd() } = build.initialOptions;
    build.onEnd((result) => {
      if (result.errors.length > 0 || !result.metafile) {
        return;
      }
      mkdirSync(outdir, { recursive: true });
      writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
      const written = new Set(Object.keys(result.metafile.outputs).map((file) => resolve(absWorkingDir, file)));
      for (const name of readdirSync(outdir)) {
        const file = resolve(outdir, name);
        if (/\.js(\.map)?$/.test(name) && !written.has(file)) {
          rmSync(file);
        }
      }
    });
  },
};

/**
 * The OS keychain binding (@napi-rs/keyring, used only by dist/server/keychain-helper.js) is a prebuilt
 * native module: its loader picks the `.node` binary of the running platform from a package of its own
 * (@napi-rs/keyring-linux-x64-gnu …) at run time, which a bundle cannot hold. So the import stays external
 * and, after each build, the loader package and the platform packages npm installed are copied to
 * `<outdir>/node_modules/`, where Node finds them from the helper: dist/server works wherever it is copied.
 * The .vsix leaves them out (.vscodeignore): inside VS Code keys come from SecretStorage, never the keychain.
 * @type {import('esbuild').Plugin}
 */
const keyringNative = {
  name: 'keyring-native',
  setup(build) {
    const { outdir, absWorkingDir = process.cwd() } = build.initialOptions;
    build.onResolve({ filter: /^@napi-rs\/keyring$/ }, () => ({ path: '@napi-rs/keyring', external: true }));
    build.onEnd((result) => {
      if (result.errors.length > 0) {
        return;
      }
      const fromRoot = createRequire(join(absWorkingDir, 'package.json'));
      const loader = dirname(fromRoot.resolve('@napi-rs/keyring/package.json'));
      const fromLoader = createRequire(join(loader, 'package.json'));
      const { optionalDependencies = {} } = JSON.parse(readFileSync(join(loader, 'package.json'), 'utf8'));
      // npm installs only the binary packages that fit this machine; the others are absent.
      const binaries = Object.keys(optionalDependencies).flatMap((name) => {
        try {
          return [[name, dirname(fromLoader.resolve(`${name}/package.json`))]];
        } catch {
          return [];
        }
      });
      const target = join(resolve(absWorkingDir, outdir), 'node_modules', '@napi-rs');
      rmSync(target, { recursive: true, force: true });
      for (const [name, from] of [['@napi-rs/keyring', loader], ...binaries]) {
        cpSync(from, join(target, name.slice('@napi-rs/'.length)), { recursive: true });
      }
      if (!existsSync(join(target, 'keyring', 'index.js'))) {
        throw new Error('@napi-rs/keyring was not copied beside the server bundle.');
      }
    });
  },
};

/**
 * esbuild options for the server bundle written to `outdir`.
 * @param {string} outdir
 * @param {import('esbuild').BuildOptions} [extra] e.g. minify, sourcemap, metafile, more plugins
 * @returns {import('esbuild').BuildOptions}
 */
export function serverBuildOptions(outdir, extra = {}) {
  return {
    bundle: true,
    // The keychain helper is a program of its own: the server starts it for each keychain call
    // (server/src/keychain/keychainClient.ts) and never loads it.
    entryPoints: { server: 'server/src/server.ts', 'keychain-helper': 'server/src/keychain/keychainHelper.ts' },
    outdir,
    platform: 'node',
    format: 'esm',
    splitting: true,
    chunkNames: '[name]-[hash]',
    target: 'node20',
    // The CommonJS packages inside (vscode-languageserver, undici, ajv …) `require` Node's built-in
    // modules; an ES module has no `require`, so each output file makes its own.
    banner: { js: "import { createRequire as __tollgateCreateRequire } from 'node:module'; const require = __tollgateCreateRequire(import.meta.url);" },
    ...extra,
    // outdirHousekeeping needs to know which files this build wrote.
    metafile: true,
    plugins: [...(extra.plugins ?? []), rankTablesAsData, keyringNative, outdirHousekeeping],
  };
}
