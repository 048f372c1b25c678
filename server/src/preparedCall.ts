/**
 * One provider call, fully resolved: which provider and model, where, with which key, and the request
 * itself. `tollgate/chat` and `tollgate/extract` both build one with `prepareCall()` and hand it to
 * `runAttempts()`, so provider choice, key lookup and the missing-key error live in one place.
 */
import type { ResolvedKeys } from './apiKeys';
import { providerLabel, toResponseError } from './errors';
import { needsApiKey } from './keylessEndpoint';
import type { ProviderId } from './protocol';
import type { ProviderCall } from './providers/provider';
import type { RetryOptions } from './retry';
import { resolveModel, type Settings } from './settings';

export interface PreparedCall {
  provider: ProviderId;
  model: string;
  /** Empty for the provider's own endpoint. */
  baseUrl: string;
  /** The provider as the user knows it, for messages. */
  label: string;
  /** Empty: no key is set and none is needed (an OpenAI-compatible server on this computer); none is sent. */
  apiKey: string;
  /** Every key the server holds, to redact from anything that leaves it. */
  secrets: readonly string[];
  request: ProviderCall;
  /** The `tollgate.retry.*` settings this call retries by. */
  retry: RetryOptions;
}

export interface CallChoice {
  provider?: ProviderId;
  model?: string;
}

/**
 * Resolves provider, model and key for one call; a missing key is the `authentication` error, except for an
 * OpenAI-compatible server on a loopback address, which is called without one (`keylessEndpoint.ts`).
 * `keys` come from `ApiKeySource.resolve()` for the call's provider.
 */
export function prepareCall(
  settings: Settings,
  keys: ResolvedKeys,
  choice: CallChoice,
  request: Omit<ProviderCall, 'model'>,
): PreparedCall {
  const provider = choice.provider ?? settings.provider;
  const baseUrl = provider === 'anthropic' ? settings.anthropicBaseUrl : settings.openaiBaseUrl;
  const label = providerLabel(provider, baseUrl);
  const model = resolveModel(settings, provider, choice.model);
  const secrets = Object.values(keys.apiKeys);
  const apiKey = keys.apiKeys[provider] ?? '';
  if (!apiKey && needsApiKey(provider, baseUrl)) {
    const { keychainProblem } = keys;
    throw toResponseError({ kind: 'authentication', missingKey: true, ...(keychainProblem ? { keychainProblem } : {}) }, provider, label, secrets, { baseUrl });
  }
  const retry = { maxAttempts: settings.retryMaxAttempts, minDelayMs: settings.retryMinDelayMs, maxDelayMs: settings.retryMaxDelayMs };
  return { provider, model, baseUrl, label, apiKey, secrets, request: { ...request, model }, retry };
}
