/**
 * What the chat view's header says about the provider: the model that answers, whether answers come from
 * the offline demo, and whether the view should offer Set API Key. Kept apart from `features.ts` (which
 * reads VS Code's settings and SecretStorage) so the decision can be tested without VS Code.
 */
import { needsApiKey } from '../../../server/src/keylessEndpoint';
import type { ProviderId } from '../../../server/src/protocol';
import { defaultModels, type Settings } from '../../../server/src/settings';
import { offlineDemoLabel, type OfflineDemo } from '../offlineDemo';
import type { ViewStatus } from './webviewProtocol';

export interface ViewStatusInputs {
  settings: Pick<Settings, 'provider' | 'model' | 'anthropicBaseUrl' | 'openaiBaseUrl'>;
  /** The offline demo the server was started with, if any. */
  offlineDemo: OfflineDemo | undefined;
  /** Which providers have a key in SecretStorage; a provider not yet looked up is absent. */
  storedKeys: Partial<Record<ProviderId, boolean>>;
}

export function viewStatus({ settings, offlineDemo, storedKeys }: ViewStatusInputs): Omit<ViewStatus, 'busy'> {
  const { provider, model, anthropicBaseUrl, openaiBaseUrl } = settings;
  const inDemo = offlineDemo?.providers.includes(provider) ?? false;
  // A server on this computer is called without a key, so the view does not ask for one.
  const keyNeeded = needsApiKey(provider, provider === 'openai' ? openaiBaseUrl : anthropicBaseUrl);
  return {
    provider,
    model: model || defaultModels[provider],
    ...(inDemo ? { offlineDemoLabel } : {}),
    // Until SecretStorage has answered (absent), the view does not claim the key is missing.
    ...(!inDemo && keyNeeded && storedKeys[provider] === false ? { keyMissing: true } : {}),
  };
}
