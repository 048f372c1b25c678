/**
 * The size of what ships: `node esbuild.mjs --production --metafile` (the build `npm run package` uses,
 * plus esbuild's account of what each bundle holds), then the bytes of the extension host's two bundles
 * and of the language server bundle. Sizes do not vary between runs, so one build is the measurement.
 *
 * The extension host has two bundles: `extension.js`, which VS Code loads to activate Tollgate (the
 * issue's `clientBundleBytes`), and `features.js`, which extension.js loads on the turn after activation.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { figure, type Figure } from './stats';

/** The parts of esbuild's metafile read here. */
interface Metafile {
  inputs: Record<string, { imports: { path: string }[] }>;
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

export function productionBuild(root: string): void {
  execFileSync(process.execPath, ['esbuild.mjs', '--production', '--metafile'], { cwd: root, stdio: 'inherit' });
}

export function measureBundles(root: string): Figure[] {
  const bytes = (file: string) => statSync(join(root, file)).size;
  const clientMeta = JSON.parse(readFileSync(join(root, 'dist/client/meta.json'), 'utf8')) as Metafile;
  const features = contents(clientMeta, 'dist/client/features.js');
  return [
    figure('clientBundleBytes', 'B', [bytes('dist/client/extension.js')], {
      goal: { max: 150 * 1024 },
      note:
        'dist/client/extension.js, minified production build: the bundle VS Code loads to activate Tollgate (budget meter, ' +
        'command forwarders, chat view registration, the loader of features.js); the goal is 150 KB = 153,600 B',
    }),
    figure('clientLazyBundleBytes', 'B', [bytes('dist/client/features.js')], {
      note:
        'dist/client/features.js, minified production build, loaded by extension.js on the turn after activation: ' +
        `the mandated vscode-languageclient with what it imports ${bytesText(features.languageClient)}, ` +
        `zod ${bytesText(features.packages.get('zod') ?? 0)} (the chat's message schemas and the settings registry shared with the server), ` +
        `Tollgate's own code ${bytesText(features.ownCode)}; no goal in the issue — the language client alone is larger than the 150 KB client goal`,
    }),
    // The server is server.js plus chunks it imports on first use (scripts/serverBuild.mjs), and the
    // tokenizer's rank tables ship as JSON beside it (scripts/rankTables.mjs): they all count.
    figure('serverBundleBytes', 'B', [[...serverChunks(root), ...rankTables(root)].reduce((sum, file) => sum + bytes(file), bytes('dist/server/server.js'))], {
      note:
        `dist/server/server.js (${bytes('dist/server/server.js').toLocaleString('en-US')} B, what the server loads at start), minified production build, ` +
        `plus the ${serverChunks(root).length} chunks it imports on first use (${serverChunks(root).reduce((sum, file) => sum + bytes(file), 0).toLocaleString('en-US')} B: each provider's SDK, undici, ajv) ` +
        `and the rank tables it reads (${rankTables(root).map((file) => file.slice('dist/server/'.length)).join(', ')}); no goal in the issue`,
    }),
  ];
}

interface BundleContents {
  /** Bytes per npm package (by its node_modules folder). */
  packages: Map<string, number>;
  /** Bytes of every file reachable from vscode-languageclient's own files: the library and its dependencies. */
  languageClient: number;
  /** Bytes of files outside node_modules (client/src, server/src). */
  ownCode: number;
}

/** What one output of a metafile holds, in bytes of the minified output. */
export function contents(meta: Metafile, output: string): BundleContents {
  const inputs = meta.outputs[output]?.inputs;
  if (!inputs) {
    throw new Error(`esbuild's metafile has no output ${output}; run \`node esbuild.mjs --production --metafile\`.`);
  }
  const packages = new Map<string, number>();
  let ownCode = 0;
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const name = packageOf(file);
    if (name === undefined) {
      ownCode += bytesInOutput;
    } else {
      packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
    }
  }
  const reachable = new Set<string>();
  const stack = Object.keys(inputs).filter((file) => packageOf(file) === 'vscode-languageclient');
  for (let file = stack.pop(); file !== undefined; file = stack.pop()) {
    if (!reachable.has(file)) {
      reachable.add(file);
      stack.push(...(meta.inputs[file]?.imports ?? []).map((i) => i.path).filter((path) => path in inputs));
    }
  }
  const languageClient = [...reachable].reduce((sum, file) => sum + (inputs[file]?.bytesInOutput ?? 0), 0);
  return { packages, languageClient, ownCode };
}

function packageOf(file: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
}

function bytesText(value: number): string {
  return `${value.toLocaleString('en-US')} B`;
}

/** The server's chunk files (every .js beside server.js), as paths from the repository root. */
function serverChunks(root: string): string[] {
  return readdirSync(join(root, 'dist', 'server'))
    .filter((name) => name.endsWith('.js') && name !== 'server.js')
    .sort()
    .map((name) => `dist/server/${name}`);
}

/** The JSON data files the server bundle reads at run time, as paths from the repository root. */
function rankTables(root: string): string[] {
  return readdirSync(join(root, 'dist', 'server'))
    .filter((name) => name.endsWith('.ranks.json'))
    .sort()
    .map((name) => `dist/server/${name}`);
}
