/** docs/protocol.md documents exactly the methods server/src/protocol.ts declares, and names the real bundle. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as protocol from '../../server/src/protocol';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'protocol.md'), 'utf8');

function declaredMethods(): string[] {
  const exported: unknown[] = Object.values(protocol);
  return exported
    .map((value) => (value as { method?: unknown }).method)
    .filter((method): method is string => typeof method === 'string')
    .sort();
}

function documentedMethods(): string[] {
  return [...doc.matchAll(/^### `([^`]+)`/gm)].map((match) => match[1] ?? '').sort();
}

test('every declared method is documented, and every documented method is declared', () => {
  const declared = declaredMethods();
  assert.ok(declared.length > 0, 'protocol.ts declares no methods');
  assert.deepEqual(documentedMethods(), declared);
});

test('the documented server bundle is the one esbuild.mjs builds', () => {
  const build = readFileSync(join(root, 'esbuild.mjs'), 'utf8');
  const serverBuild = readFileSync(join(root, 'scripts', 'serverBuild.mjs'), 'utf8');
  assert.match(doc, /`dist\/server\/server\.js`/);
  assert.match(serverBuild, /entryPoints: \{ server: 'server\/src\/server\.ts'[, ]/);
  assert.match(build, /serverBuildOptions\('dist\/server'/);
});
