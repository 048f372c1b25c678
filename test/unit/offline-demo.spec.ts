// Offline demo and the server's environment: keys reach the server only from SecretStorage (or the
// demo's placeholder), and the demo never redirects a provider the user has a real key for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applySettingOverrides,
  detectOfflineDemo,
  effectiveApiKeys,
  offlineDemoApiKey,
  offlineDemoSettingOverrides,
} from '../../client/src/offlineDemo';
import { serverEnvironment } from '../../client/src/serverEnvironment';

const noKeys = { anthropic: undefined, openai: undefined };
const demoEnv = { TOLLGATE_OFFLINE_DEMO_URL: 'http://127.0.0.1:4100/' };

test('no demo without the environment variable, even without keys', () => {
  assert.equal(detectOfflineDemo({}, noKeys), undefined);
  assert.equal(detectOfflineDemo({ TOLLGATE_OFFLINE_DEMO_URL: '  ' }, noKeys), undefined);
});

test('with the variable and no keys, both providers use the fake provider', () => {
  const demo = detectOfflineDemo(demoEnv, noKeys);
  assert.deepEqual(demo, { url: 'http://127.0.0.1:4100', providers: ['anthropic', 'openai'] });
  assert.deepEqual(offlineDemoSettingOverrides(demo), {
    'anthropic.baseUrl': 'http://127.0.0.1:4100',
    'openai.baseUrl': 'http://127.0.0.1:4100/v1',
  });
  assert.deepEqual(effectiveApiKeys(noKeys, demo), { anthropic: offlineDemoApiKey, openai: offlineDemoApiKey });
});

test('a stored key keeps its provider out of the demo: a real key never goes to the fake provider', () => {
  const keys = { anthropic: 'sk-ant-real', openai: undefined };
  const demo = detectOfflineDemo(demoEnv, keys);
  assert.deepEqual(demo?.providers, ['openai']);
  assert.deepEqual(offlineDemoSettingOverrides(demo), { 'openai.baseUrl': 'http://127.0.0.1:4100/v1' });
  assert.deepEqual(effectiveApiKeys(keys, demo), { anthropic: 'sk-ant-real', openai: offlineDemoApiKey });
  assert.equal(detectOfflineDemo(demoEnv, { anthropic: 'a', openai: 'b' }), undefined);
});

test('inherited key variables are replaced by the stored keys, and removed when none is stored', () => {
  const inherited = { PATH: '/usr/bin', ANTHROPIC_API_KEY: 'from-shell', OPENAI_API_KEY: 'from-shell' };
  const environment = serverEnvironment(inherited, { anthropic: 'stored', openai: undefined });
  assert.equal(environment['PATH'], '/usr/bin');
  assert.equal(environment['ANTHROPIC_API_KEY'], 'stored');
  // Present as `undefined`, not absent: vscode-languageclient merges process.env under this object.
  assert.ok('OPENAI_API_KEY' in environment);
  assert.equal(environment['OPENAI_API_KEY'], undefined);
  assert.equal(inherited.OPENAI_API_KEY, 'from-shell', 'the input is not modified');
});

test('overrides apply whichever section the server asks for', () => {
  const overrides = { 'anthropic.baseUrl': 'http://fake', 'openai.baseUrl': 'http://fake/v1' };
  const section = { provider: 'openai', anthropic: { baseUrl: 'https://real' }, openai: { baseUrl: '' } };
  assert.deepEqual(applySettingOverrides('tollgate', section, overrides), {
    provider: 'openai',
    anthropic: { baseUrl: 'http://fake' },
    openai: { baseUrl: 'http://fake/v1' },
  });
  assert.equal(section.anthropic.baseUrl, 'https://real', 'the input is not modified');
  assert.deepEqual(applySettingOverrides('tollgate.openai', { baseUrl: '' }, overrides), { baseUrl: 'http://fake/v1' });
  assert.equal(applySettingOverrides('tollgate.anthropic.baseUrl', 'https://real', overrides), 'http://fake');
  assert.deepEqual(applySettingOverrides(undefined, { editor: {} }, overrides), {
    editor: {},
    tollgate: { anthropic: { baseUrl: 'http://fake' }, openai: { baseUrl: 'http://fake/v1' } },
  });
  assert.equal(applySettingOverrides('tollgate.provider', 'openai', overrides), 'openai');
  assert.deepEqual(applySettingOverrides('editor', { tabSize: 2 }, overrides), { tabSize: 2 });
  assert.deepEqual(applySettingOverrides('tollgate', section, {}), section, 'no demo, no change');
});
