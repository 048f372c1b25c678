import type { BuildOptions } from 'esbuild';

/** esbuild options for the language server bundle (see serverBuild.mjs). */
export declare function serverBuildOptions(outdir: string, extra?: BuildOptions): BuildOptions;
