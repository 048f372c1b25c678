/**
 * The schemas Extract Entities offers follow the editor live, with no server restart: a new
 * `tollgate.extraction.schemaGlob` re-discovers and re-checks them, and a folder added to or removed from
 * a multi-root workspace brings or takes its schemas.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DidChangeWorkspaceFoldersNotification } from 'vscode-languageserver-protocol/node';
import { ExtractionSchemasRequest } from '../../server/src/protocol';
import { type ServerUnderTest, startServerUnderTest, waitUntil } from './support/lspHarness';

const validSchema = JSON.stringify({ title: 'Invoice', type: 'object', properties: { total: { type: 'number' } } });

describe('extraction schemas follow settings and workspace folders live', () => {
  let first: string;
  let second: string;
  let server: ServerUnderTest;
  const settings = (glob?: string) => ({ provider: 'openai', ...(glob ? { extraction: { schemaGlob: glob } } : {}) });
  const listed = async () => (await server.connection.sendRequest(ExtractionSchemasRequest.type, {})).schemas.map((s) => s.id);
  const uri = (path: string) => pathToFileURL(path).toString();
  const hasProblems = (path: string) => (server.diagnostics.get(uri(path))?.length ?? 0) > 0;

  before(async () => {
    first = mkdtempSync(join(tmpdir(), 'tollgate-live-a-'));
    second = mkdtempSync(join(tmpdir(), 'tollgate-live-b-'));
    writeFileSync(join(first, 'invoice.schema.json'), validSchema);
    mkdirSync(join(first, 'shapes'));
    writeFileSync(join(first, 'shapes', 'broken.json'), '{ "type": ');
    writeFileSync(join(second, 'order.schema.json'), '{ "type": "object", "properties": ');
    server = await startServerUnderTest({ settings: settings(), workspaceFolders: [first] });
  });
  after(() => {
    server.close();
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });

  test('a new schemaGlob re-discovers and re-checks the schemas', async () => {
    assert.deepEqual(await listed(), ['entities', 'invoice.schema.json']);
    assert.equal(hasProblems(join(first, 'shapes', 'broken.json')), false);

    await server.changeSettings(settings('shapes/*.json'));
    await waitUntil(() => hasProblems(join(first, 'shapes', 'broken.json')), 'diagnostics for the schema under the new glob');
    assert.deepEqual(await listed(), ['entities', 'shapes/broken.json']);

    await server.changeSettings(settings());
    await waitUntil(() => !hasProblems(join(first, 'shapes', 'broken.json')), 'the diagnostics of a file no longer under the glob to clear');
    assert.deepEqual(await listed(), ['entities', 'invoice.schema.json']);
  });

  test('a folder added to the workspace brings its schemas; removed, takes them away', async () => {
    const order = join(second, 'order.schema.json');
    const name = (path: string) => path.split(/[\\/]/).pop()!;
    await server.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [{ uri: uri(second), name: name(second) }], removed: [] },
    });
    await waitUntil(() => hasProblems(order), 'diagnostics for the schema in the added folder');
    assert.deepEqual(await listed(), ['entities', `${name(first)}/invoice.schema.json`, `${name(second)}/order.schema.json`]);

    await server.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [{ uri: uri(second), name: name(second) }] },
    });
    await waitUntil(() => !hasProblems(order), 'the diagnostics of the removed folder to clear');
    assert.deepEqual(await listed(), ['entities', 'invoice.schema.json']);
  });
});
