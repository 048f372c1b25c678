// An esbuild plugin for the language server bundle (esbuild.mjs, and the tests that build the server).
//
// gpt-tokenizer ships its rank tables as JavaScript array literals: 3.6 MB of source holding non-Latin-1
// text, so V8 keeps the whole bundle as a two-byte string, and compiling the literals costs ~70 MB of RSS
// although ~18 MB of data remains. In the server bundle each `gpt-tokenizer/bpeRanks/<name>` import
// instead reads `<name>.ranks.json`, written next to server.js, with JSON.parse: the same data, a fraction of
// the memory, and only when the encoding is first imported (server/src/budget/tokenEstimate.ts). The module
// exports a function that reads the file, so the parsed table is garbage once the server has built its compact one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const prefix = 'gpt-tokenizer/bpeRanks/';

/** @type {import('esbuild').Plugin} */
export const rankTablesAsData = {
  name: 'rank-tables-as-data',
  setup(build) {
    const outdir = build.initialOptions.outdir;
    if (outdir === undefined) {
      throw new Error('rankTablesAsData writes the rank tables next to the bundle: set outdir.');
    }
    build.onResolve({ filter: /^gpt-tokenizer\/bpeRanks\/\w+$/ }, (args) => ({
      path: args.path.slice(prefix.length),
      namespace: 'rank-table',
    }));
    build.onLoad({ filter: /.*/, namespace: 'rank-table' }, (args) => {
      const file = `${args.path}.ranks.json`;
      mkdirSync(outdir, { recursive: true });
      writeFileSync(join(outdir, file), JSON.stringify(require(`${prefix}${args.path}`).default));
      return {
        contents: [
          "import { readFileSync } from 'node:fs';",
          // The server bundle is an ES module: its chunks find the folder they sit in through import.meta.url.
          // A loader, not the table: a module's export lives as long as the process, and the server keeps only
          // the compact table it builds from this one (server/src/budget/compactBpe.ts).
          `export default () => JSON.parse(readFileSync(new URL(${JSON.stringify(`./${file}`)}, import.meta.url), 'utf8'));`,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};
