/**
 * How a provider call reaches the network: directly or through an HTTP proxy, and trusting which CA
 * certificates. The one place that decides it, from the server's environment only:
 *
 * - `HTTPS_PROXY` / `HTTP_PROXY` (lower case wins, as in curl and undici) for https / http endpoints;
 *   an https endpoint falls back to `HTTP_PROXY`. `NO_PROXY` lists hosts to reach directly.
 *   In VS Code the client sets these from `http.proxy` / `http.noProxy` when it spawns the server.
 * - Loopback endpoints (localhost, 127.0.0.0/8, ::1: a local Ollama, LM Studio, the fake provider) are
 *   reached directly even when a proxy is set, since a corporate proxy cannot reach the user's own
 *   machine; `TOLLGATE_PROXY_LOCALHOST=true` sends them through the proxy too.
 * - `TOLLGATE_PROXY_STRICT_SSL=false` (VS Code's `http.proxyStrictSSL: false`) accepts certificates that do
 *   not verify on proxied connections, for proxies that re-sign TLS with a certificate the user cannot add.
 * - `TOLLGATE_PROXY_AUTHORIZATION` (VS Code's `http.proxyAuthorization`) is sent as `Proxy-Authorization`.
 * - `NODE_EXTRA_CA_CERTS` (a PEM file) adds CA certificates to Node's bundled ones. Node reads it at start
 *   itself; reading it here too makes it hold for every runtime that may run the server (Electron's Node
 *   included) and name the file when it cannot be read.
 *
 * Proxy URLs may hold credentials: they live in the environment only and are never logged.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { importOnce } from '../importOnce';

type Environment = Readonly<Record<string, string | undefined>>;

/** The `fetch` both SDKs accept as their `fetch` option. */
export type ProviderFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface NetworkSettings {
  /** For https endpoints. */
  httpsProxy: string | undefined;
  /** For http endpoints. */
  httpProxy: string | undefined;
  /** `NO_PROXY` entries, lower case: `*`, a host, `.suffix` / `*.suffix`, each optionally `:port`. */
  noProxy: string[];
  proxyLocalhost: boolean;
  strictSSL: boolean;
  proxyAuthorization: string | undefined;
  extraCaFile: string | undefined;
}

export function networkSettingsFrom(env: Environment): NetworkSettings {
  const httpProxy = proxyVariable(env, 'http_proxy');
  return {
    httpProxy,
    httpsProxy: proxyVariable(env, 'https_proxy') ?? httpProxy,
    noProxy: (proxyVariable(env, 'no_proxy') ?? '')
      .split(/[\s,]+/)
      .map((entry) => entry.toLowerCase())
      .filter((entry) => entry !== ''),
    proxyLocalhost: ['true', '1'].includes(variable(env, 'TOLLGATE_PROXY_LOCALHOST')?.toLowerCase() ?? ''),
    strictSSL: variable(env, 'TOLLGATE_PROXY_STRICT_SSL')?.toLowerCase() !== 'false',
    proxyAuthorization: variable(env, 'TOLLGATE_PROXY_AUTHORIZATION'),
    extraCaFile: variable(env, 'NODE_EXTRA_CA_CERTS'),
  };
}

/** The proxy URL a request to `target` goes through, or undefined to connect directly. */
export function proxyFor(target: URL, settings: NetworkSettings): string | undefined {
  const proxy = target.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (proxy === undefined) {
    return undefined;
  }
  if (isLoopback(target.hostname) && !settings.proxyLocalhost) {
    return undefined;
  }
  return bypassed(target, settings.noProxy) ? undefined : proxy;
}

/**
 * The `fetch` for a provider client whose endpoint is `baseUrl`. It decides the route of each request
 * when the request is made, from `env` at that moment: directly with Node's own fetch when neither a
 * proxy nor extra CA certificates apply, else through a cached undici dispatcher. So one SDK client can
 * serve every call of the server's life (building one per call costs time before every first token) and
 * still follows the environment it finds.
 */
export function providerFetch(baseUrl: string, env: Environment = process.env): ProviderFetch {
  // An unusable base URL goes to Node's fetch, which reports it as the SDK always has.
  const target = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  return (input, init) => {
    const settings = networkSettingsFrom(env);
    const proxy = target === undefined ? undefined : proxyFor(target, settings);
    if (target === undefined || (proxy === undefined && settings.extraCaFile === undefined)) {
      return fetch(input, init);
    }
    return throughDispatcher(input, init, proxy, settings);
  };
}

/**
 * The undici package, imported the first time a call needs a proxy or extra CA certificates. A direct
 * call uses Node's own fetch, itself a copy of undici that Node loads on its own (the SDKs use its
 * `Headers`): importing the package too at every start held ~10 MB more for servers that never use a
 * proxy. In the server bundle it is a chunk of its own (scripts/serverBuild.mjs), reached through
 * undiciRuntime.ts.
 */
const loadUndici = importOnce(() => import('./undiciRuntime'));

async function throughDispatcher(input: string | URL | Request, init: RequestInit | undefined, proxy: string | undefined, settings: NetworkSettings): Promise<Response> {
  const { Agent, ProxyAgent, fetch: undiciFetch } = await loadUndici();
  // Built on first use, inside the SDK's fetch, so a bad proxy URL or CA file fails the call as a
  // connection error the user is told about, not the server.
  const dispatcher = cachedDispatcher(proxy, settings, { Agent, ProxyAgent });
  // undici's own fetch, not Node's: a dispatcher only works reliably with the undici it came from.
  return undiciFetch(input, { ...init, dispatcher });
}

/** One dispatcher per distinct network setup, so calls share its connection pool. */
const dispatchers = new Map<string, Dispatcher>();

type DispatcherClasses = Pick<typeof import('./undiciRuntime'), 'Agent' | 'ProxyAgent'>;

function cachedDispatcher(proxy: string | undefined, settings: NetworkSettings, classes: DispatcherClasses): Dispatcher {
  const key = JSON.stringify([proxy, settings.strictSSL, settings.proxyAuthorization, settings.extraCaFile]);
  let dispatcher = dispatchers.get(key);
  if (dispatcher === undefined) {
    dispatcher = createDispatcher(proxy, settings, classes);
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

function createDispatcher(proxy: string | undefined, settings: NetworkSettings, { Agent, ProxyAgent }: DispatcherClasses): Dispatcher {
  const ca = settings.extraCaFile === undefined ? undefined : [...rootCertificates, readCaFile(settings.extraCaFile)];
  const trust = { ...(ca ? { ca } : {}) };
  if (proxy === undefined) {
    return new Agent({ connect: trust });
  }
  const proxyTls = { ...trust, ...(settings.strictSSL ? {} : { rejectUnauthorized: false }) };
  return new ProxyAgent({
    uri: proxyUrl(proxy),
    ...(settings.proxyAuthorization ? { token: settings.proxyAuthorization } : {}),
    requestTls: proxyTls,
    proxyTls,
    // http endpoints go as plain forward-proxy requests, as curl sends them: many proxies only allow
    // CONNECT to port 443. https endpoints are always tunnelled with CONNECT.
    proxyTunnel: false,
  });
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    // No `cause`: the log shows an error chain's innermost message, and this one names the variable.
    throw new Error(
      `Tollgate could not read the CA certificates in NODE_EXTRA_CA_CERTS (${(error as Error).message}). ` +
        'Point it at a readable PEM file, or unset it.',
    );
  }
}

/** Accepts `host:port` as curl does (meaning http://). Never echoes the value: it may hold credentials. */
function proxyUrl(proxy: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error('The HTTP proxy setting (http.proxy or HTTPS_PROXY / HTTP_PROXY) is not a valid URL. Correct it and try again.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `Tollgate supports HTTP and HTTPS proxies only, not ${url.protocol.slice(0, -1)}. Set http.proxy (or HTTPS_PROXY) to an http:// or https:// proxy.`,
    );
  }
  return url.href;
}

/** The conventional proxy variables exist in both cases; the lower-case one wins, as in curl and undici. */
function proxyVariable(env: Environment, lowerCaseName: string): string | undefined {
  return variable(env, lowerCaseName) ?? variable(env, lowerCaseName.toUpperCase());
}

function variable(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '[::1]' ||
    host === '[::ffff:7f00:1]'
  );
}

function bypassed(target: URL, noProxy: readonly string[]): boolean {
  const host = target.hostname.toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy.some((entry) => {
    if (entry === '*') {
      return true;
    }
    const match = /^(.*?)(?::(\d+))?$/.exec(entry);
    const entryHost = (match?.[1] ?? entry).replace(/^\*?\./, '');
    const entryPort = match?.[2];
    if (entryPort !== undefined && entryPort !== port) {
      return false;
    }
    return host === entryHost || host.endsWith(`.${entryHost}`);
  });
}
