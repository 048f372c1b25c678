/**
 * Workspace schema files get diagnostics with positions (bad JSON, not a JSON Schema, unusable for
 * extraction), cleared when fixed; and the server offers the extract code action on a selection only.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { type ServerUnderTest, startServerUnderTest, waitUntil } from './support/lspHarness';

/** LSP 3.18 allows markup in a diagnostic message; Tollgate sends plain text. */
function messageOf(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

describe('schema file diagnostics and the code action', () => {
  let server: ServerUnderTest;
  let workspace: string;
  const uri = (name: string) => pathToFileURL(join(workspace, 'schemas', name)).toString();

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'tollgate-diag-'));
    mkdirSync(join(workspace, 'schemas'));
    // Line 2 (0-based 1), column 14: the second comma.
    writeFileSync(join(workspace, 'schemas', 'broken.schema.json'), '{\n  "type": "object",,\n  "title": "x"\n}\n');
    writeFileSync(
      join(workspace, 'schemas', 'invalid.schema.json'),
      '{\n  "type": "object",\n  "properties": {\n    "age": { "type": "integer", "minimum": "zero" }\n  }\n}\n',
    );
    writeFileSync(join(workspace, 'schemas', 'remote.schema.json'), '{ "$ref": "https://example.com/s.json" }');
    writeFileSync(join(workspace, 'schemas', 'good.schema.json'), '{ "type": "object" }');
    writeFileSync(join(workspace, 'notes.json'), '{ not json');
    server = await startServerUnderTest({ workspaceFolders: [workspace] });
  });
  after(() => server.close());

  test('a schema file that is not valid JSON gets an error at the offending character', async () => {
    await waitUntil(() => server.diagnostics.has(uri('broken.schema.json')), 'diagnostics for broken.schema.json');
    const [first] = server.diagnostics.get(uri('broken.schema.json'))!;
    assert.match(messageOf(first!), /not valid JSON: property name expected/);
    assert.deepEqual(first!.range.start, { line: 1, character: 19 });
  });

  test('a schema file that is not a valid JSON Schema points at the bad keyword', async () => {
    await waitUntil(() => server.diagnostics.has(uri('invalid.schema.json')), 'diagnostics for invalid.schema.json');
    const [first] = server.diagnostics.get(uri('invalid.schema.json'))!;
    assert.match(messageOf(first!), /not a valid JSON Schema: \/properties\/age\/minimum must be number/);
    assert.equal(first!.range.start.line, 3);
    assert.equal(first!.range.start.character, 32, "the \"minimum\" key");
  });

  test('a schema with a remote $ref is flagged; valid schemas and non-schema files are not', async () => {
    await waitUntil(() => server.diagnostics.has(uri('remote.schema.json')), 'diagnostics for remote.schema.json');
    assert.match(messageOf(server.diagnostics.get(uri('remote.schema.json'))![0]!), /remote \$ref/);
    assert.equal(server.diagnostics.has(uri('good.schema.json')), false);
    assert.equal(server.diagnostics.has(pathToFileURL(join(workspace, 'notes.json')).toString()), false);
  });

  test('editing the file to valid JSON clears its diagnostics', async () => {
    const textDocument = { uri: uri('broken.schema.json'), languageId: 'json', version: 1, text: '{ "type": "object",, }' };
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument });
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: textDocument.uri, version: 2 },
      contentChanges: [{ text: '{ "type": "object" }' }],
    });
    await waitUntil(() => server.diagnostics.get(uri('broken.schema.json'))?.length === 0, 'diagnostics to clear');
  });

  test('the code action is offered on a non-empty selection only', async () => {
    const textDocument = { uri: pathToFileURL(join(workspace, 'notes.md')).toString() };
    const context = { diagnostics: [] };
    const selected = await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
      context,
    });
    assert.equal(selected?.length, 1);
    const action = selected[0]!;
    assert.ok('command' in action && typeof action.command === 'object');
    assert.equal(action.command?.command, 'tollgate.extractEntities');
    const empty = await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument,
      range: { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } },
      context,
    });
    assert.deepEqual(empty, []);
  });
});
