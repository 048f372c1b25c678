/**
 * Offline demo mode: `npm start` sets `TOLLGATE_OFFLINE_DEMO_URL` to Tollgate's built-in fake provider when
 * the user has no API key, so the extension can be tried without an account. Pure: no `vscode` import.
 */
import type { ProviderId } from '../../server/src/protocol';

export const offlineDemoUrlVariable = 'TOLLGATE_OFFLINE_DEMO_URL';

/** The placeholder key sent to the fake provider; it accepts any key, and this one is obviously not real. */
export const offlineDemoApiKey = 'offline-demo';

export const offlineDemoLabel = "Offline demo — answers come from Tollgate's built-in fake provider, not a real model.";

export interface OfflineDemo {
  /** The fake provider's root URL, without a trailing slash. */
  url: string;
  /** The providers without a stored key: these talk to the fake provider with the placeholder key. */
  providers: ProviderId[];
}

/**
 * The demo applies to each provider the user has stored no key for, and only when the environment names a
 * fake provider. A stored key always wins: that provider keeps its real endpoint, so a real key is never
 * sent to the fake provider.
 */
export function detectOfflineDemo(
  environment: Record<string, string | undefined>,
  storedKeys: Record<ProviderId, string | undefined>,
): OfflineDemo | undefined {
  const url = environment[offlineDemoUrlVariable]?.trim();
  const providers = (Object.keys(storedKeys) as ProviderId[]).filter((provider) => !storedKeys[provider]);
  if (!url || providers.length === 0) {
    return undefined;
  }
  return { url: url.replace(/\/+$/, ''), providers };
}

/** The settings the demo overrides, as keys under the `tollgate` section. */
export function offlineDemoSettingOverrides(demo: OfflineDemo | undefined): Record<string, string> {
  const overrides: Record<string, string> = {};
  if (demo?.providers.includes('anthropic')) {
    overrides['anthropic.baseUrl'] = demo.url;
  }
  if (demo?.providers.includes('openai')) {
    // The OpenAI SDK expects its base URL to include the API version segment.
    overrides['openai.baseUrl'] = `${demo.url}/v1`;
  }
  return overrides;
}

/** The keys the server gets: the stored ones, and the placeholder for providers in the demo. */
export function effectiveApiKeys(
  storedKeys: Record<ProviderId, string | undefined>,
  demo: OfflineDemo | undefined,
): Record<ProviderId, string | undefined> {
  const keys = { ...storedKeys };
  for (const provider of demo?.providers ?? []) {
    keys[provider] = offlineDemoApiKey;
  }
  return keys;
}

/**
 * Applies `overrides` (keys under `tollgate`) to the value of configuration `section` as the server asked
 * for it (`undefined` = the whole configuration, `tollgate`, `tollgate.openai`, `tollgate.openai.baseUrl` …).
 * Returns a new value; the input is not modified.
 */
export function applySettingOverrides(
  section: string | undefined,
  value: unknown,
  overrides: Record<string, unknown>,
): unknown {
  let result = value;
  for (const [key, overrideValue] of Object.entries(overrides)) {
    const fullKey = `tollgate.${key}`;
    if (section === fullKey) {
      result = overrideValue;
      continue;
    }
    const prefix = section === undefined || section === '' ? '' : `${section}.`;
    if (fullKey.startsWith(prefix)) {
      result = setPath(result, fullKey.slice(prefix.length).split('.'), overrideValue);
    }
  }
  return result;
}

function setPath(target: unknown, path: string[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) {
    return value;
  }
  const record = isRecord(target) ? { ...target } : {};
  record[head] = setPath(record[head], rest, value);
  return record;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
