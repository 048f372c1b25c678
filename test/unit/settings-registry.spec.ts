// package.json `contributes.configuration` must declare exactly the settings of the registry
// (server/src/settings.ts), with the same defaults: VS Code shows and validates what package.json says,
// the server uses what the registry says, and the two must not drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { settingDefinitions, settingKeys } from '../../server/src/settings';

interface DeclaredSetting {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  scope?: string;
  markdownDescription?: string;
  description?: string;
}

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, DeclaredSetting> } };
};
const declared = packageJson.contributes.configuration.properties;

test('package.json declares exactly the settings of the registry', () => {
  assert.deepEqual(Object.keys(declared).sort(), [...settingKeys].sort());
});

test('every declared default equals the registry default', () => {
  for (const definition of Object.values(settingDefinitions)) {
    assert.deepEqual(declared[`tollgate.${definition.key}`]?.default, definition.default, `tollgate.${definition.key}`);
  }
});

test('every registry default is a value its own validator accepts', () => {
  for (const definition of Object.values(settingDefinitions)) {
    assert.ok(definition.schema.safeParse(definition.default).success, `tollgate.${definition.key}`);
  }
});

test('the provider enum lists exactly the providers the registry accepts', () => {
  const accepted = settingDefinitions.provider.schema.options;
  assert.deepEqual([...(declared['tollgate.provider']?.enum ?? [])].sort(), [...accepted].sort());
});

test('settings that decide where a key is sent cannot be set by a workspace', () => {
  for (const key of ['tollgate.anthropic.baseUrl', 'tollgate.openai.baseUrl']) {
    assert.ok(['machine', 'application'].includes(declared[key]?.scope ?? ''), `${key} has scope ${declared[key]?.scope}`);
  }
});

test('every declared setting has a type and a description', () => {
  for (const [key, setting] of Object.entries(declared)) {
    assert.ok(setting.type, `${key} has no type`);
    assert.ok(setting.markdownDescription ?? setting.description, `${key} has no description`);
  }
});
