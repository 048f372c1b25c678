/** API keys in VS Code's SecretStorage: the only place the extension keeps them. */
import * as vscode from 'vscode';
import type { ProviderId } from '../../server/src/protocol';

export const providers: readonly ProviderId[] = ['anthropic', 'openai'];

export const providerLabels: Record<ProviderId, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
};

/** The SecretStorage key of a provider's API key, e.g. `tollgate.apiKey.anthropic`. */
export function secretKey(provider: ProviderId): string {
  return `tollgate.apiKey.${provider}`;
}

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(provider: ProviderId): Promise<string | undefined> {
    return (await this.secrets.get(secretKey(provider))) || undefined;
  }

  async getAll(): Promise<Record<ProviderId, string | undefined>> {
    const [anthropic, openai] = await Promise.all([this.get('anthropic'), this.get('openai')]);
    return { anthropic, openai };
  }

  async set(provider: ProviderId, key: string): Promise<void> {
    await this.secrets.store(secretKey(provider), key);
  }

  async delete(provider: ProviderId): Promise<void> {
    await this.secrets.delete(secretKey(provider));
  }

  /** Fires when any provider's key is stored or deleted (in this window or another one). */
  onDidChange(listener: () => void): vscode.Disposable {
    const keys = new Set(providers.map(secretKey));
    return this.secrets.onDidChange((event) => {
      if (keys.has(event.key)) {
        listener();
      }
    });
  }
}
