/**
 * Picks the adapter for a provider id. Each adapter (and its SDK, plus undici) is imported on the first
 * call that needs it: a server talking to one provider never loads the other's SDK, and none load before
 * the first chat — the SDKs are most of the server's code once the tokenizer's tables are data files.
 */
import type { ProviderId } from '../protocol';
import type { Provider, ProviderOptions } from './provider';

export type ProviderFactory = (provider: ProviderId, options: ProviderOptions) => Provider;

const adapters: Record<ProviderId, () => Promise<(options: ProviderOptions) => Provider>> = {
  anthropic: async () => (await import('./anthropic')).createAnthropicProvider,
  openai: async () => (await import('./openai')).createOpenAIProvider,
};

export const createProvider: ProviderFactory = (provider, options) => ({
  async streamChat(call, onText, signal) {
    const create = await adapters[provider]();
    return create(options).streamChat(call, onText, signal);
  },
});
