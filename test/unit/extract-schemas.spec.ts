/**
 * Where schemas come from and what is refused before any provider call: workspace schemas by path and in
 * the list, a remote $ref (no fetch happens), huge, recursive and catastrophic-regex schemas (fast), and
 * the compile cache following file changes.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { ExtractionSchemasRequest } from '../../server/src/protocol';
import { SchemaCompiler } from '../../server/src/extract/schemaCompiler';
import type { FakeProvider } from '../fake-provider';
import { extract } from './support/extractCall';
import { type ServerUnderTest, startAgainstFake } from './support/lspHarness';

const personSchema = {
  title: 'Person',
  description: 'A person named in the text.',
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
  additionalProperties: false,
};

describe('extraction schemas', () => {
  let fake: FakeProvider;
  let server: ServerUnderTest;
  let close: () => Promise<void>;
  let workspace: string;
  /** A web server standing in for a schema host: it counts every hit. */
  let schemaHost: Server;
  let hostHits = 0;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'tollgate-ws-'));
    mkdirSync(join(workspace, 'schemas'));
    mkdirSync(join(workspace, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(workspace, 'schemas', 'person.schema.json'), JSON.stringify(personSchema));
    writeFileSync(join(workspace, 'node_modules', 'dep', 'ignored.schema.json'), '{}');
    schemaHost = createServer((_req, res) => {
      hostHits++;
      res.end(JSON.stringify({ type: 'string' }));
    });
    await new Promise<void>((resolve) => schemaHost.listen(0, '127.0.0.1', resolve));
    ({ fake, server, close } = await startAgainstFake('openai', 'sk-test-schemas-1234', {}, { workspaceFolders: [workspace] }));
  });
  after(async () => {
    await close();
    await new Promise((resolve) => schemaHost.close(resolve));
  });
  beforeEach(() => fake.reset());

  test('lists the built-in schema first, then workspace schemas with titles, skipping node_modules', async () => {
    const { schemas } = await server.connection.sendRequest(ExtractionSchemasRequest.type, {});
    assert.deepEqual(
      schemas.map((s) => [s.id, s.title, s.origin]),
      [
        ['entities', 'Entities', 'builtin'],
        ['schemas/person.schema.json', 'Person', 'workspace'],
      ],
    );
    assert.equal(schemas[1]!.description, 'A person named in the text.');
  });

  test('extracts with a workspace schema named by its relative path', async () => {
    fake.enqueue({ type: 'text', chunks: ['{"name":"Ada"}'] });
    const { result, error } = await extract(server.connection, { text: 'Ada wrote.', schema: 'schemas/person.schema.json' });
    assert.equal(error, undefined, error?.message);
    assert.deepEqual(result?.data, { name: 'Ada' });
    assert.equal(result?.schema, 'schemas/person.schema.json');
  });

  test('a changed schema file is recompiled once the watcher reports it', async () => {
    const file = join(workspace, 'schemas', 'person.schema.json');
    writeFileSync(file, JSON.stringify({ ...personSchema, properties: { name: { type: 'string', minLength: 5 } } }));
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(file).toString(), type: FileChangeType.Changed }],
    });
    fake.enqueue({ type: 'text', chunks: ['{"name":"Ada"}'] }, { type: 'text', chunks: ['{"name":"Ada Lovelace"}'] });
    const { result, error } = await extract(server.connection, { text: 'Ada Lovelace wrote.', schema: 'schemas/person.schema.json' });
    assert.equal(error, undefined, error?.message);
    assert.equal(result?.attempts, 2, 'the first answer fails the new minLength');
    writeFileSync(file, JSON.stringify(personSchema));
  });

  test('a schema outside the workspace is refused', async () => {
    const { error } = await extract(server.connection, { text: 'x', schema: '../../etc/passwd' });
    assert.equal(error?.data?.kind, 'schemaInvalid');
    assert.equal(fake.requests.length, 0);
  });

  test('a remote $ref is refused without fetching it', async () => {
    const url = `http://127.0.0.1:${(schemaHost.address() as AddressInfo).port}/name.schema.json`;
    const schema = { type: 'object', properties: { name: { $ref: url } }, required: ['name'] };
    const { error } = await extract(server.connection, { text: 'Ada wrote.', schema });
    assert.equal(error?.data?.kind, 'schemaInvalid');
    assert.equal(error?.data?.extractFailure, 'badSchema');
    assert.match(error?.message ?? '', /remote \$ref/);
    assert.equal(hostHits, 0);
    assert.equal(fake.requests.length, 0);
  });

  test('a schema over 1 MB fails fast', async () => {
    const schema = { type: 'object', description: 'x'.repeat(1_100_000), properties: { a: { type: 'string' } } };
    const { error } = await extract(server.connection, { text: 'Ada wrote.', schema });
    assert.equal(error?.data?.extractFailure, 'badSchema');
    assert.match(error?.message ?? '', /over the 1 MB limit/);
    assert.equal(fake.requests.length, 0);
  });

  test('a catastrophic regex pattern fails fast, before ajv could ever run it', async () => {
    const schema = { type: 'object', properties: { id: { type: 'string', pattern: '^(a+)+$' } }, required: ['id'] };
    const { error } = await extract(server.connection, { text: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', schema });
    assert.equal(error?.data?.extractFailure, 'badSchema');
    assert.match(error?.message ?? '', /nests repetition inside repetition/);
    assert.equal(fake.requests.length, 0);
  });

  test('a recursive schema fails fast', async () => {
    const schema = {
      type: 'object',
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
      properties: { root: { $ref: '#/$defs/node' } },
    };
    const { error } = await extract(server.connection, { text: 'a tree', schema });
    assert.equal(error?.data?.extractFailure, 'badSchema');
    assert.match(error?.message ?? '', /recursive/);
    assert.equal(fake.requests.length, 0);
  });

  test('a schema that is not a valid JSON Schema is refused with ajv’s words', async () => {
    const { error } = await extract(server.connection, { text: 'x', schema: { type: 'banana' } });
    assert.equal(error?.data?.extractFailure, 'badSchema');
    assert.match(error?.message ?? '', /not a valid JSON Schema: \/type must be equal to one of the allowed values/);
  });
});

describe('SchemaCompiler cache', () => {
  test('reuses a validator while the text is unchanged and recompiles when it changes', async () => {
    const compiler = new SchemaCompiler();
    const a = { type: 'string' };
    const first = await compiler.get('/ws/a.schema.json', a, JSON.stringify(a));
    assert.equal(await compiler.get('/ws/a.schema.json', a, JSON.stringify(a)), first);
    const b = { type: 'number' };
    const second = await compiler.get('/ws/a.schema.json', b, JSON.stringify(b));
    assert.notEqual(second, first);
    assert.ok(second.ok && second.validate(3));
    compiler.invalidate('/ws/a.schema.json');
    assert.equal(compiler.size, 0);
  });
});

