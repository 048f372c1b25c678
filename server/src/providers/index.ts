/** Picks the adapter for a provider id, and keeps it for the next call to the same endpoint with the same key. */
import type { ProviderId } from '../protocol';
import { createAnthropicProvider } from './anthropic';
import { createOpenAIProvider } from './openai';
import type { Provider, ProviderOptions } from './provider';

export type ProviderFactory = (provider: ProviderId, options: ProviderOptions) => Provider;

/**
 * The adapter last built per provider and endpoint, with the key it holds. Building an SDK client costs
 * about 0.3 ms of the time to first token, and an adapter keeps no state between calls (each request's
 * route is decided when it is made, see `providerFetch`), so calls share one. A different key replaces it.
 */
const adapters = new Map<string, { apiKey: string; adapter: Provider }>();

export const createProvider: ProviderFactory = (provider, options) => {
  const slot = `${provider} ${options.baseUrl}`;
  const kept = adapters.get(slot);
  if (kept?.apiKey === options.apiKey) {
    return kept.adapter;
  }
  const adapter = provider === 'anthropic' ? createAnthropicProvider(options) : createOpenAIProvider(options);
  adapters.set(slot, { apiKey: options.apiKey, adapter });
  return adapter;
};
