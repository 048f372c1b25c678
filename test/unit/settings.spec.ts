/** sanitiseSettings(): bad values fall back to defaults and are reported, naming the setting. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultModels, defaultSettings, resolveModel, sanitiseSettings } from '../../server/src/settings';

test('an empty or missing section gives the defaults and no problems', () => {
  assert.deepEqual(sanitiseSettings(undefined), { settings: defaultSettings, problems: [] });
  assert.deepEqual(sanitiseSettings({}), { settings: defaultSettings, problems: [] });
});

test('nested objects (VS Code) and flat dotted keys (other editors) are both read', () => {
  const nested = sanitiseSettings({ provider: 'openai', openai: { baseUrl: 'http://127.0.0.1:9/v1' }, maxTokens: 50 });
  const flat = sanitiseSettings({ provider: 'openai', 'openai.baseUrl': 'http://127.0.0.1:9/v1', maxTokens: 50 });
  assert.deepEqual(nested, flat);
  assert.equal(nested.settings.openaiBaseUrl, 'http://127.0.0.1:9/v1');
  assert.equal(nested.settings.maxTokens, 50);
});

test('each bad value takes its default and yields one sentence naming the setting', () => {
  const { settings, problems } = sanitiseSettings({
    provider: 'gemini',
    maxTokens: 'lots',
    anthropic: { baseUrl: 'ftp://example.com' },
  });
  assert.equal(settings.provider, 'anthropic');
  assert.equal(settings.maxTokens, 1024);
  assert.equal(settings.anthropicBaseUrl, '');
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? '', /^Setting tollgate\.provider has the value "gemini"/);
  assert.match(problems[1] ?? '', /tollgate\.anthropic\.baseUrl .*must be an http/);
  assert.match(problems[2] ?? '', /tollgate\.maxTokens has the value "lots".*uses 1024/);
});

test('a garbage section is treated as empty', () => {
  assert.deepEqual(sanitiseSettings('nonsense').settings, defaultSettings);
  assert.deepEqual(sanitiseSettings([1, 2]).settings, defaultSettings);
});

test('the model: per-call override, else the setting for its provider, else that provider default', () => {
  const settings = { ...defaultSettings, provider: 'anthropic' as const, model: 'claude-custom' };
  assert.equal(resolveModel(settings, 'anthropic', 'claude-override'), 'claude-override');
  assert.equal(resolveModel(settings, 'anthropic'), 'claude-custom');
  assert.equal(resolveModel(settings, 'openai'), defaultModels.openai);
  assert.equal(resolveModel({ ...settings, model: '' }, 'anthropic'), defaultModels.anthropic);
});
