import type { Plugin } from 'esbuild';

/** Ships gpt-tokenizer's rank tables as JSON files next to the server bundle (see rankTables.mjs). */
export declare const rankTablesAsData: Plugin;
