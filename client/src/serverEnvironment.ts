/**
 * The environment the language server process starts with. API keys reach the server only this way —
 * never through initializationOptions, settings or logs (LSP tracing prints initializationOptions).
 * Pure: no `vscode` import.
 */
import { keychainVariable } from '../../server/src/environment';
import { serverProcessEnvironment } from '../../server/src/nodeFlags';
import type { ProviderId } from '../../server/src/protocol';

/** The variables the server reads its keys from, the same ones it reads when run standalone. */
export const apiKeyVariables: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
};

/** VS Code's own network settings (section `http`) that decide how the server reaches a provider. */
export interface HttpSettings {
  /** `http.proxy`: the proxy URL, possibly with credentials; empty for none. */
  proxy: string;
  /** `http.proxyStrictSSL`: false accepts certificates that do not verify on proxied connections. */
  proxyStrictSSL: boolean;
  /** `http.proxyAuthorization`: the `Proxy-Authorization` header value, or null. */
  proxyAuthorization: string | null;
  /** `http.noProxy`: hosts reached directly. */
  noProxy: string[];
  /** `http.proxySupport`: `off` stops Tollgate from applying the settings above. */
  proxySupport: string;
}

/** The `http.*` settings mapped by `proxyEnvironment()`; a change to any of them restarts the server. */
export const httpSettingKeys = ['http.proxy', 'http.proxyStrictSSL', 'http.proxyAuthorization', 'http.noProxy', 'http.proxySupport'];

/**
 * The variables that carry VS Code's proxy settings to the server, the same ones it reads standalone
 * (see `server/src/providers/httpDispatcher.ts`). Unset settings leave inherited variables alone, as VS
 * Code itself falls back to them. The proxy URL and authorization may hold credentials: like keys, they
 * travel in the environment only, never in LSP messages or logs.
 */
export function proxyEnvironment(http: HttpSettings): Record<string, string | undefined> {
  if (http.proxySupport === 'off') {
    return {};
  }
  const environment: Record<string, string | undefined> = {};
  const proxy = http.proxy.trim();
  if (proxy) {
    // Both upper-case names, and the lower-case ones removed: the server lets a lower-case one win.
    Object.assign(environment, { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, https_proxy: undefined, http_proxy: undefined });
  }
  const noProxy = http.noProxy.map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (noProxy.length > 0) {
    Object.assign(environment, { NO_PROXY: noProxy.join(','), no_proxy: undefined });
  }
  if (!http.proxyStrictSSL) {
    environment['TOLLGATE_PROXY_STRICT_SSL'] = 'false';
  }
  if (http.proxyAuthorization) {
    environment['TOLLGATE_PROXY_AUTHORIZATION'] = http.proxyAuthorization;
  }
  return environment;
}

/**
 * Returns the environment for the server: the process tuning of `serverProcessEnvironment` (unless
 * `inherited` sets those variables itself), `inherited` with the key variables replaced by `keys`,
 * VS Code's proxy settings (`http`) on top, and `TOLLGATE_KEYCHAIN=off`.
 * A key the user did not store is set to `undefined`, not left out: vscode-languageclient merges the
 * extension host's own environment under the one it is given, and Node drops `undefined` variables when
 * it spawns, so this is what keeps a key inherited from the shell from reaching the server.
 */
export function serverEnvironment(
  inherited: Record<string, string | undefined>,
  keys: Record<ProviderId, string | undefined>,
  http?: HttpSettings,
): Record<string, string | undefined> {
  const environment: Record<string, string | undefined> = {
    ...serverProcessEnvironment,
    ...inherited,
    ...(http ? proxyEnvironment(http) : {}),
  };
  for (const [provider, variable] of Object.entries(apiKeyVariables) as [ProviderId, string][]) {
    environment[variable] = keys[provider] || undefined;
  }
  // In VS Code the keys are SecretStorage's alone: a key the user did not store stays missing, and the
  // server never reaches for the OS keychain (which a standalone server does), whatever the shell says.
  environment[keychainVariable] = 'off';
  return environment;
}
