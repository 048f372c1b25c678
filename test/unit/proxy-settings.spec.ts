// VS Code's proxy settings → the server's environment (a pure function of the client, tested without
// VS Code), and what the server then decides from that environment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HttpSettings, proxyEnvironment, serverEnvironment } from '../../client/src/serverEnvironment';
import { networkSettingsFrom, proxyFor } from '../../server/src/providers/httpDispatcher';

const vscodeDefaults: HttpSettings = {
  proxy: '',
  proxyStrictSSL: true,
  proxyAuthorization: null,
  noProxy: [],
  proxySupport: 'override',
};
const noKeys = { anthropic: undefined, openai: undefined };

test("VS Code's defaults add nothing: inherited proxy variables still apply, as in VS Code", () => {
  assert.deepEqual(proxyEnvironment(vscodeDefaults), {});
  const inherited = { HTTPS_PROXY: 'http://shell-proxy:3128', NO_PROXY: 'corp' };
  const environment = serverEnvironment(inherited, noKeys, vscodeDefaults);
  assert.equal(environment['HTTPS_PROXY'], 'http://shell-proxy:3128');
  assert.equal(environment['NO_PROXY'], 'corp');
});

test('http.proxy wins over inherited variables of either case, for http and https endpoints', () => {
  const inherited = { https_proxy: 'http://shell-lower:1', HTTP_PROXY: 'http://shell-upper:1', PATH: '/bin' };
  const proxy = 'http://alice:s3cret@proxy.corp:8080';
  const environment = serverEnvironment(inherited, noKeys, { ...vscodeDefaults, proxy: ` ${proxy} ` });
  assert.equal(environment['PATH'], '/bin');
  assert.ok('https_proxy' in environment && environment['https_proxy'] === undefined, 'removed, not left out');
  const settings = networkSettingsFrom(environment);
  assert.equal(proxyFor(new URL('https://api.anthropic.com'), settings), proxy);
  assert.equal(proxyFor(new URL('http://models.corp:8000/v1'), settings), proxy);
  assert.equal(proxyFor(new URL('http://127.0.0.1:11434/v1'), settings), undefined, 'a local server stays direct');
  assert.equal(inherited.https_proxy, 'http://shell-lower:1', 'the input is not modified');
});

test('http.noProxy, http.proxyStrictSSL and http.proxyAuthorization map to the variables the server reads', () => {
  const environment = proxyEnvironment({
    proxy: 'http://proxy.corp:8080',
    proxyStrictSSL: false,
    proxyAuthorization: 'Negotiate abc',
    noProxy: ['internal.corp', ' ', '.example.com'],
    proxySupport: 'on',
  });
  assert.deepEqual(environment, {
    HTTPS_PROXY: 'http://proxy.corp:8080',
    HTTP_PROXY: 'http://proxy.corp:8080',
    https_proxy: undefined,
    http_proxy: undefined,
    NO_PROXY: 'internal.corp,.example.com',
    no_proxy: undefined,
    TOLLGATE_PROXY_STRICT_SSL: 'false',
    TOLLGATE_PROXY_AUTHORIZATION: 'Negotiate abc',
  });
  const settings = networkSettingsFrom(environment);
  assert.equal(settings.strictSSL, false);
  assert.equal(settings.proxyAuthorization, 'Negotiate abc');
  assert.equal(proxyFor(new URL('https://llm.internal.corp/v1'), settings), undefined);
  assert.equal(proxyFor(new URL('https://api.openai.com/v1'), settings), 'http://proxy.corp:8080');
});

test('http.proxySupport "off" applies none of VS Code\'s proxy settings', () => {
  assert.deepEqual(proxyEnvironment({ ...vscodeDefaults, proxy: 'http://proxy.corp:8080', proxySupport: 'off' }), {});
});

test('keys still win: a proxy setting cannot add or keep a key variable', () => {
  const environment = serverEnvironment({ OPENAI_API_KEY: 'from-shell' }, { anthropic: 'stored', openai: undefined }, {
    ...vscodeDefaults,
    proxy: 'http://proxy.corp:8080',
  });
  assert.equal(environment['ANTHROPIC_API_KEY'], 'stored');
  assert.equal(environment['OPENAI_API_KEY'], undefined);
});
