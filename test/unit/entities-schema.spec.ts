/** schemas/entities.schema.json is the built-in entity schema exactly as the public contract states it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

interface ObjectSchema {
  type: string;
  properties: Record<string, { type: string; minimum?: number; maximum?: number; items?: ObjectSchema }>;
  required: string[];
  additionalProperties: boolean;
}

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'entities.schema.json'), 'utf8'),
) as ObjectSchema;

test('top level: entities, summary, language — all required, nothing else', () => {
  assert.equal(schema.type, 'object');
  assert.deepEqual(Object.keys(schema.properties).sort(), ['entities', 'language', 'summary']);
  assert.deepEqual([...schema.required].sort(), ['entities', 'language', 'summary']);
  assert.equal(schema.additionalProperties, false);
  assert.equal(schema.properties['summary']?.type, 'string');
  assert.equal(schema.properties['language']?.type, 'string');
});

test('each entity: name, type, confidence 0..1, source_text — all required, nothing else', () => {
  const entity = schema.properties['entities']?.items;
  assert.ok(entity, 'entities must be an array of objects');
  assert.equal(schema.properties['entities']?.type, 'array');
  assert.deepEqual(Object.keys(entity.properties).sort(), ['confidence', 'name', 'source_text', 'type']);
  assert.deepEqual([...entity.required].sort(), ['confidence', 'name', 'source_text', 'type']);
  assert.equal(entity.additionalProperties, false);
  const confidence = entity.properties['confidence'];
  assert.equal(confidence?.type, 'number');
  assert.equal(confidence.minimum, 0);
  assert.equal(confidence.maximum, 1);
  for (const field of ['name', 'type', 'source_text']) {
    assert.equal(entity.properties[field]?.type, 'string');
  }
});
