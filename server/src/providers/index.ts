/** Picks the adapter for a provider id. */
import type { ProviderId } from '../protocol';
import { createAnthropicProvider } from './anthropic';
import { createOpenAIProvider } from './openai';
import type { Provider, ProviderOptions } from './provider';

export type ProviderFactory = (provider: ProviderId, options: ProviderOptions) => Provider;

export const createProvider: ProviderFactory = (provider, options) =>
  provider === 'anthropic' ? createAnthropicProvider(options) : createOpenAIProvider(options);
