/**
 * Networks: provider calls go through the proxy from HTTP(S)_PROXY (which VS Code's client sets from
 * `http.proxy`), reach loopback endpoints directly unless told otherwise, and trust the extra CA
 * certificates of NODE_EXTRA_CA_CERTS. The server runs in-process; the environment it reads is this
 * process's, set per test.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { networkSettingsFrom, proxyFor } from '../../server/src/providers/httpDispatcher';
import { type FakeProvider, startFakeProvider } from '../fake-provider';
import { type ServerUnderTest, startAgainstFake, startServerUnderTest } from './support/lspHarness';
import {
  type Certificate,
  selfSignedCertificate,
  startTestProxy,
  startTlsFront,
  type TestProxy,
  type TlsFront,
} from './support/testProxy';

const networkVariables = [
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'no_proxy',
  'NO_PROXY',
  'TOLLGATE_PROXY_LOCALHOST',
  'TOLLGATE_PROXY_STRICT_SSL',
  'TOLLGATE_PROXY_AUTHORIZATION',
  'NODE_EXTRA_CA_CERTS',
];
const original = Object.fromEntries(networkVariables.map((name) => [name, process.env[name]]));

/** Sets exactly `variables` among the network variables for the current test. */
function networkEnvironment(variables: Record<string, string>): void {
  for (const name of networkVariables) {
    delete process.env[name];
  }
  Object.assign(process.env, variables);
}

afterEach(() => {
  for (const [name, value] of Object.entries(original)) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
});

const chunks = ['Through ', 'the ', 'proxy: ', 'café ☕ 🧪'];
const expected = chunks.join('');
const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };

for (const provider of ['anthropic', 'openai'] as const) {
  describe(`${provider} calls and the HTTP proxy`, () => {
    let fake: FakeProvider;
    let server: ServerUnderTest;
    let close: () => Promise<void>;
    let proxy: TestProxy;

    before(async () => {
      ({ fake, server, close } = await startAgainstFake(provider, 'sk-proxy-test-key'));
      proxy = await startTestProxy();
    });
    after(async () => {
      await close();
      await proxy.close();
    });

    test('with a proxy that applies to localhost, the request goes through it and the answer streams exactly', async () => {
      networkEnvironment({ HTTP_PROXY: proxy.url, TOLLGATE_PROXY_LOCALHOST: 'true' });
      const before = proxy.seen.length;
      fake.enqueue({ type: 'text', chunks });
      const outcome = await server.chat(ask);
      assert.equal(outcome.error, undefined, outcome.error?.message);
      assert.equal(outcome.streamedText, expected);
      assert.equal(outcome.result?.text, expected);
      const seen = proxy.seen.slice(before);
      const path = provider === 'anthropic' ? '/v1/messages' : '/v1/chat/completions';
      assert.deepEqual(
        seen.map(({ kind, target }) => ({ kind, target })),
        [{ kind: 'forward', target: `${fake.url}${path}` }],
      );
    });

    test('a loopback endpoint is reached directly by default, even with a proxy set', async () => {
      networkEnvironment({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
      const before = proxy.seen.length;
      fake.enqueue({ type: 'text', chunks });
      const outcome = await server.chat(ask);
      assert.equal(outcome.result?.text, expected, outcome.error?.message);
      assert.equal(proxy.seen.length, before, 'the proxy saw no request');
    });

    test('without any proxy variable the proxy sees nothing', async () => {
      networkEnvironment({ TOLLGATE_PROXY_LOCALHOST: 'true' });
      const before = proxy.seen.length;
      fake.enqueue({ type: 'text', chunks });
      const outcome = await server.chat(ask);
      assert.equal(outcome.result?.text, expected, outcome.error?.message);
      assert.equal(proxy.seen.length, before, 'the proxy saw no request');
    });

    test('credentials in the proxy URL reach the proxy as Proxy-Authorization, never the log or the provider', async () => {
      const secret = 'pr0xy-s3cret';
      const withCredentials = proxy.url.replace('http://', `http://alice:${encodeURIComponent(`${secret}@x`)}@`);
      networkEnvironment({ HTTP_PROXY: withCredentials, TOLLGATE_PROXY_LOCALHOST: 'true' });
      const before = proxy.seen.length;
      fake.enqueue({ type: 'text', chunks });
      const outcome = await server.chat(ask);
      assert.equal(outcome.result?.text, expected, outcome.error?.message);
      const expectedHeader = `Basic ${Buffer.from(`alice:${secret}@x`).toString('base64')}`;
      assert.equal(proxy.seen[before]?.headers['proxy-authorization'], expectedHeader);
      const provided = fake.requests.at(-1);
      assert.equal(provided?.headers['proxy-authorization'], undefined);
      assert.ok(!server.logLines.join('\n').includes(secret), 'the proxy password is not logged');
    });
  });
}

describe('a proxy that cannot be used', () => {
  let server: ServerUnderTest;
  let close: () => Promise<void>;

  before(async () => {
    // One attempt: a network failure would otherwise be retried after 2 s and 4 s.
    ({ server, close } = await startAgainstFake('openai', 'sk-proxy-test-key', { retry: { maxAttempts: 1 } }));
  });
  after(() => close());

  const cases: [string, string, RegExp][] = [
    ['an unreachable proxy', 'http://alice:pr0xy-s3cret@127.0.0.1:1', /ECONNREFUSED/],
    ['a proxy URL that does not parse', 'http://alice:pr0xy-s3cret@[bad', /not a valid URL/],
    ['a SOCKS proxy', 'socks5://alice:pr0xy-s3cret@127.0.0.1:1080', /HTTP and HTTPS proxies only/],
  ];
  for (const [name, url, logged] of cases) {
    test(`${name} fails the call as a network error, and its credentials stay out of the log and the message`, async () => {
      networkEnvironment({ HTTP_PROXY: url, TOLLGATE_PROXY_LOCALHOST: 'true' });
      const outcome = await server.chat(ask);
      assert.equal(outcome.error?.data?.kind, 'network');
      const log = server.logLines.join('\n');
      assert.match(log, logged);
      assert.ok(!log.includes('s3cret') && !(outcome.error?.message ?? '').includes('s3cret'));
    });
  }
});

describe('HTTPS endpoints with a private CA', () => {
  let certificate: Certificate;
  let fake: FakeProvider;
  let front: TlsFront;
  let proxy: TestProxy;
  let server: ServerUnderTest;

  before(async () => {
    certificate = selfSignedCertificate();
    fake = await startFakeProvider();
    front = await startTlsFront(fake.url, certificate);
    proxy = await startTestProxy();
    server = await startServerUnderTest({
      apiKeys: { anthropic: 'sk-tls-test-key' },
      settings: { provider: 'anthropic', anthropic: { baseUrl: front.url }, retry: { maxAttempts: 1 } },
    });
  });
  after(async () => {
    server.close();
    await proxy.close();
    await front.close();
    await fake.close();
  });

  test('without the CA the certificate is refused and the call fails as a network error', async () => {
    networkEnvironment({});
    const outcome = await server.chat(ask);
    assert.equal(outcome.error?.data?.kind, 'network');
    assert.equal(fake.requests.length, 0, 'nothing reached the provider');
    assert.match(server.logLines.join('\n'), /self[- ]signed certificate/i);
  });

  test('with NODE_EXTRA_CA_CERTS naming the CA, the call succeeds', async () => {
    networkEnvironment({ NODE_EXTRA_CA_CERTS: certificate.certFile });
    fake.enqueue({ type: 'text', chunks });
    const outcome = await server.chat(ask);
    assert.equal(outcome.error, undefined, outcome.error?.message);
    assert.equal(outcome.streamedText, expected);
  });

  test('through the proxy, an HTTPS endpoint is tunnelled with CONNECT and still verified against the CA', async () => {
    networkEnvironment({ HTTPS_PROXY: proxy.url, TOLLGATE_PROXY_LOCALHOST: 'true', NODE_EXTRA_CA_CERTS: certificate.certFile });
    const before = proxy.seen.length;
    fake.enqueue({ type: 'text', chunks });
    const outcome = await server.chat(ask);
    assert.equal(outcome.error, undefined, outcome.error?.message);
    assert.equal(outcome.streamedText, expected);
    assert.deepEqual(
      proxy.seen.slice(before).map(({ kind, target }) => ({ kind, target })),
      [{ kind: 'connect', target: new URL(front.url).host }],
    );

    networkEnvironment({ HTTPS_PROXY: proxy.url, TOLLGATE_PROXY_LOCALHOST: 'true' });
    const refused = await server.chat(ask);
    assert.equal(refused.error?.data?.kind, 'network', 'without the CA the tunnelled certificate is refused');
  });

  test('proxyStrictSSL off accepts the unverifiable certificate on proxied connections only', async () => {
    networkEnvironment({ HTTPS_PROXY: proxy.url, TOLLGATE_PROXY_LOCALHOST: 'true', TOLLGATE_PROXY_STRICT_SSL: 'false' });
    fake.enqueue({ type: 'text', chunks });
    const proxied = await server.chat(ask);
    assert.equal(proxied.error, undefined, proxied.error?.message);
    assert.equal(proxied.streamedText, expected);

    networkEnvironment({ TOLLGATE_PROXY_STRICT_SSL: 'false' });
    const direct = await server.chat(ask);
    assert.equal(direct.error?.data?.kind, 'network', 'a direct connection is still verified');
  });

  test('an unreadable NODE_EXTRA_CA_CERTS fails the call and the log names the variable', async () => {
    const missing = join(tmpdir(), 'tollgate-no-such-ca.pem');
    networkEnvironment({ NODE_EXTRA_CA_CERTS: missing });
    const outcome = await server.chat(ask);
    assert.equal(outcome.error?.data?.kind, 'network');
    assert.match(server.logLines.join('\n'), /NODE_EXTRA_CA_CERTS/);
  });
});

describe('which requests go through the proxy', () => {
  const decide = (url: string, env: Record<string, string>) => proxyFor(new URL(url), networkSettingsFrom(env));

  test('https endpoints use HTTPS_PROXY, falling back to HTTP_PROXY; http endpoints use HTTP_PROXY', () => {
    assert.equal(decide('https://api.anthropic.com', { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:1' }), 'http://s:1');
    assert.equal(decide('https://api.anthropic.com', { HTTP_PROXY: 'http://p:1' }), 'http://p:1');
    assert.equal(decide('http://models.corp:8000/v1', { HTTPS_PROXY: 'http://s:1' }), undefined);
    assert.equal(decide('http://models.corp:8000/v1', { HTTP_PROXY: 'http://p:1' }), 'http://p:1');
    assert.equal(decide('https://api.openai.com/v1', {}), undefined);
  });

  test('the lower-case variable wins, as in curl', () => {
    assert.equal(decide('https://api.openai.com/v1', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' }), 'http://lower:1');
  });

  test('NO_PROXY: hosts, domain suffixes, ports and *', () => {
    const env = { HTTPS_PROXY: 'http://s:1', NO_PROXY: 'internal.corp, .openai.com,api.anthropic.com:8443' };
    assert.equal(decide('https://llm.internal.corp/v1', env), undefined);
    assert.equal(decide('https://api.openai.com/v1', env), undefined);
    assert.equal(decide('https://api.anthropic.com', env), 'http://s:1', 'port 443 is not 8443');
    assert.equal(decide('https://api.anthropic.com:8443', env), undefined);
    assert.equal(decide('https://notinternal.corp', env), 'http://s:1');
    assert.equal(decide('https://api.anthropic.com', { HTTPS_PROXY: 'http://s:1', no_proxy: '*' }), undefined);
  });

  test('loopback endpoints go direct unless TOLLGATE_PROXY_LOCALHOST is true', () => {
    const env = { HTTP_PROXY: 'http://p:1' };
    for (const url of ['http://localhost:11434/v1', 'http://127.0.0.1:1234/v1', 'http://127.1.2.3/v1', 'http://[::1]:8080/v1']) {
      assert.equal(decide(url, env), undefined, url);
      assert.equal(decide(url, { ...env, TOLLGATE_PROXY_LOCALHOST: 'true' }), 'http://p:1', url);
    }
    assert.equal(decide('http://localhost.example.com/v1', env), 'http://p:1', 'only real loopback names');
  });
});

// The CA must be the one that signed the endpoint: any other extra CA still leaves it untrusted.
test('an extra CA that did not sign the endpoint leaves it untrusted', async () => {
  const certificate = selfSignedCertificate();
  const fake = await startFakeProvider();
  const front = await startTlsFront(fake.url, certificate);
  const server = await startServerUnderTest({
    apiKeys: { openai: 'sk-tls-test-key' },
    settings: { provider: 'openai', openai: { baseUrl: `${front.url}/v1` }, retry: { maxAttempts: 1 } },
  });
  try {
    const other = join(tmpdir(), `tollgate-other-ca-${process.pid}.pem`);
    writeFileSync(other, selfSignedCertificate().cert);
    networkEnvironment({ NODE_EXTRA_CA_CERTS: other });
    const outcome = await server.chat(ask);
    assert.equal(outcome.error?.data?.kind, 'network', 'a different CA does not vouch for this certificate');
    assert.equal(fake.requests.length, 0);
  } finally {
    server.close();
    await front.close();
    await fake.close();
  }
});
