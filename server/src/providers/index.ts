/**
 * Picks the adapter for a provider id, and keeps it for the next call to the same endpoint with the same key.
 *
 * Each adapter module (its SDK, plus undici) is imported on the first call that needs it: a server talking
 * to one provider never loads the other's SDK, and none load before the first chat — the SDKs are most of
 * the server's code once the tokenizer's tables are data files.
 */
import type { ProviderId } from '../protocol';
import type { Provider, ProviderOptions } from './provider';

export type ProviderFactory = (provider: ProviderId, options: ProviderOptions) => Provider;

const modules: Record<ProviderId, () => Promise<(options: ProviderOptions) => Provider>> = {
  anthropic: async () => (await import('./anthropic')).createAnthropicProvider,
  openai: async () => (await import('./openai')).createOpenAIProvider,
};

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
  const adapter = loadedOnFirstCall(provider, options);
  adapters.set(slot, { apiKey: options.apiKey, adapter });
  return adapter;
};

/** An adapter whose SDK client is built on its first call; a failed import is tried again on the next. */
function loadedOnFirstCall(provider: ProviderId, options: ProviderOptions): Provider {
  let built: Provider | undefined;
  return {
    async streamChat(call, onText, signal) {
      built ??= (await modules[provider]())(options);
      return built.streamChat(call, onText, signal);
    },
  };
}
