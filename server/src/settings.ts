/**
 * The one registry of Tollgate's settings: names, defaults and sanitising.
 *
 * It lives in the server, not the client, because the server is the only consumer and must also accept
 * settings from editors other than VS Code; the client re-exports it and a unit test checks it against
 * `package.json` `contributes.configuration`. Sanitising happens here, once: a bad value never reaches
 * a provider call, it falls back to the default and becomes a problem naming the setting to fix.
 */
import * as z from './validation';
import type { ProviderId } from './protocol';

export interface Settings {
  provider: ProviderId;
  /** Empty means the provider's current default model (see `defaultModels`). */
  model: string;
  /** Empty means the provider's own endpoint. */
  anthropicBaseUrl: string;
  openaiBaseUrl: string;
  maxTokens: number;
  /** USD per local calendar day. */
  budgetDailyUsd: number;
  /** Attempts per call, the first included. */
  retryMaxAttempts: number;
  retryMinDelayMs: number;
  retryMaxDelayMs: number;
  rateLimitRequestsPerSecond: number;
  rateLimitBurst: number;
  /** Per-model price overrides, USD per million tokens; win over the bundled table. */
  pricing: Record<string, ModelPrice>;
  extractionSchemaGlob: string;
}

/** A model's price in USD per million tokens. Cache prices default from the provider's rules when absent. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheWritePerMTok?: number;
  cacheReadPerMTok?: number;
}

/** The model used when `tollgate.model` is empty, per provider. */
export const defaultModels: Record<ProviderId, string> = {
  anthropic: 'claude-sonnet-5-5',
  openai: 'gpt-5.5',
};

const httpUrl = z
  .string()
  .check(z.refine((value) => value === '' || /^https?:\/\/[^\s]+$/.test(value), 'must be an http:// or https:// URL'));

const usdPerMTok = z.number().check(z.gte(0, 'must not be negative'));
const modelPrice = z.object({
  inputPerMTok: usdPerMTok,
  outputPerMTok: usdPerMTok,
  cacheWritePerMTok: z.optional(usdPerMTok),
  cacheReadPerMTok: z.optional(usdPerMTok),
});

/**
 * Each setting: its key under the `tollgate` section, its validator and its default. The validators'
 * messages complete the sentence "tollgate.<key> …".
 */
export const settingDefinitions = {
  provider: { key: 'provider', schema: z.enum(['anthropic', 'openai']), default: 'anthropic' as ProviderId },
  model: { key: 'model', schema: z.string().check(z.trim()), default: '' },
  anthropicBaseUrl: { key: 'anthropic.baseUrl', schema: httpUrl, default: '' },
  openaiBaseUrl: { key: 'openai.baseUrl', schema: httpUrl, default: '' },
  maxTokens: { key: 'maxTokens', schema: z.number().check(z.int(), z.gte(1), z.lte(1_000_000)), default: 1024 },
  budgetDailyUsd: { key: 'budget.dailyUsd', schema: z.number().check(z.gte(0, 'must not be negative')), default: 10 },
  retryMaxAttempts: { key: 'retry.maxAttempts', schema: z.number().check(z.int(), z.gte(1), z.lte(10)), default: 3 },
  retryMinDelayMs: { key: 'retry.minDelayMs', schema: z.number().check(z.int(), z.gte(0), z.lte(600_000)), default: 2000 },
  retryMaxDelayMs: { key: 'retry.maxDelayMs', schema: z.number().check(z.int(), z.gte(0), z.lte(600_000)), default: 30_000 },
  rateLimitRequestsPerSecond: {
    key: 'rateLimit.requestsPerSecond',
    schema: z.number().check(z.gt(0, 'must be greater than 0'), z.lte(10_000)),
    default: 10,
  },
  rateLimitBurst: { key: 'rateLimit.burst', schema: z.number().check(z.int(), z.gte(1), z.lte(10_000)), default: 20 },
  pricing: {
    key: 'pricing',
    schema: z.record(z.string().check(z.minLength(1)), modelPrice),
    default: {} as Record<string, ModelPrice>,
  },
  extractionSchemaGlob: { key: 'extraction.schemaGlob', schema: z.string().check(z.trim(), z.minLength(1)), default: '**/*.schema.json' },
} as const;

/** `tollgate.<key>` for every setting, in declaration order. */
export const settingKeys: string[] = Object.values(settingDefinitions).map((d) => `tollgate.${d.key}`);

export const defaultSettings: Settings = Object.fromEntries(
  Object.entries(settingDefinitions).map(([name, d]) => [name, d.default]),
) as unknown as Settings;

export interface SanitisedSettings {
  settings: Settings;
  /** One sentence per rejected value, naming the setting, the bad value and the default used instead. */
  problems: string[];
}

/**
 * Reads the `tollgate` section as an editor sends it (nested objects, or flat dotted keys from editors
 * that do not nest) and returns usable settings. Missing or `null` values take the default silently; a
 * present but invalid value takes the default and is reported.
 */
export function sanitiseSettings(section: unknown): SanitisedSettings {
  const raw = isRecord(section) ? section : {};
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, definition] of Object.entries(settingDefinitions)) {
    const value = lookup(raw, definition.key);
    if (value === undefined || value === null) {
      settings[name] = definition.default;
      continue;
    }
    const parsed = definition.schema.safeParse(value);
    if (parsed.success) {
      settings[name] = parsed.data;
    } else {
      settings[name] = definition.default;
      const reason = parsed.error.issues[0]?.message ?? 'is not valid';
      problems.push(
        `Setting tollgate.${definition.key} has the value ${JSON.stringify(value)}, which is not valid (${reason}); ` +
          `Tollgate uses ${JSON.stringify(definition.default)} until you fix it.`,
      );
    }
  }
  return { settings: settings as unknown as Settings, problems };
}

/** The model a call uses: the per-call override, else the setting, else the provider's default. */
export function resolveModel(settings: Settings, provider: ProviderId, override?: string): string {
  if (override) {
    return override;
  }
  // `tollgate.model` names a model of the configured provider; a per-call provider switch uses its default.
  if (settings.model && provider === settings.provider) {
    return settings.model;
  }
  return defaultModels[provider];
}

function lookup(section: Record<string, unknown>, dottedKey: string): unknown {
  if (dottedKey in section) {
    return section[dottedKey];
  }
  let current: unknown = section;
  for (const part of dottedKey.split('.')) {
    if (!isRecord(current)) {
      return undefined;
    }
    current = current[part];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
