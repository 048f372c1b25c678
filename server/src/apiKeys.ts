/**
 * The API keys a call may use. A key in the environment (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`; in VS Code
 * the client puts SecretStorage's keys there) always wins. A standalone server looks a missing key up in the
 * OS keychain when a call first needs it — never at start, so initialize is not held up by a keychain that
 * may wait for an unlock prompt — in a helper process it kills after a time limit. A key found there is
 * kept until the provider rejects it; a miss or a failure is not kept, so a key stored with `keys set`
 * (or a keychain unlocked) meanwhile is found by the next call without a restart.
 */
import { ResponseError } from 'vscode-languageserver';
import type { ApiKeys } from './environment';
import { importOnce } from './importOnce';
import type { KeychainOptions } from './keychain/keychainClient';
import type { Log } from './log';
import type { ProviderId } from './protocol';

/** The keychain code is read on its first use: a server with every key in its environment never loads it. */
const loadKeychain = importOnce(() => import('./keychain/keychainClient'));

export interface ResolvedKeys {
  /** Every key known now: the call's key, if found, and all the others, to redact from what leaves the server. */
  apiKeys: ApiKeys;
  /** Why the keychain could not be asked for the call's missing key: a sentence for the missing-key error. */
  keychainProblem?: string;
}

export class ApiKeySource {
  private readonly keys: ApiKeys;
  /** Lookups in flight, so calls arriving together start one helper process per provider. */
  private readonly lookups = new Map<ProviderId, Promise<string | undefined>>();
  /** The providers whose key came from the keychain (and may be replaced there). */
  private readonly fromKeychain = new Set<ProviderId>();

  /** `keychain` absent: keys come from the environment only (VS Code, `TOLLGATE_KEYCHAIN=off`, tests). */
  constructor(
    fromEnvironment: ApiKeys,
    private readonly keychain: KeychainOptions | undefined,
    private readonly log: Log,
  ) {
    this.keys = { ...fromEnvironment };
  }

  /** The providers with a key from the environment, and whether missing ones are looked up, for the log. */
  describe(): string {
    const present = Object.keys(this.keys).join(', ') || 'none';
    return `API keys present for: ${present}${this.keychain ? '; missing keys are looked up in the OS keychain on first use' : ''}`;
  }

  async resolve(provider: ProviderId): Promise<ResolvedKeys> {
    if (this.keys[provider] || !this.keychain) {
      return { apiKeys: this.keys };
    }
    let lookup = this.lookups.get(provider);
    if (!lookup) {
      lookup = this.lookUp(provider, this.keychain).finally(() => this.lookups.delete(provider));
      this.lookups.set(provider, lookup);
    }
    const keychainProblem = await lookup;
    return keychainProblem ? { apiKeys: this.keys, keychainProblem } : { apiKeys: this.keys };
  }

  /**
   * A call with `apiKey` failed with `error`. When the provider rejected a key that came from the keychain,
   * the key is forgotten, so the next call reads the keychain again: after `keys set` with a good key, the
   * user's retry works without restarting the server. A key from the environment cannot change, so it stays.
   */
  noteFailure(provider: ProviderId, apiKey: string, error: unknown): void {
    const kind = error instanceof ResponseError ? (error.data as { kind?: unknown } | undefined)?.kind : undefined;
    if (kind === 'authentication' && this.fromKeychain.has(provider) && this.keys[provider] === apiKey) {
      delete this.keys[provider];
      this.fromKeychain.delete(provider);
      this.log.info(`The provider rejected the ${provider} API key from the OS keychain; the next request reads the keychain again.`);
    }
  }

  /** Resolves with a description of what went wrong, or undefined when the keychain answered. */
  private async lookUp(provider: ProviderId, options: KeychainOptions): Promise<string | undefined> {
    let keychain: typeof import('./keychain/keychainClient');
    try {
      keychain = await loadKeychain();
    } catch (error) {
      const problem = `Tollgate could not load its keychain code (${String(error)}). Rebuild the server with "npm run build".`;
      this.log.error(problem);
      return problem;
    }
    const item = `service "${keychain.keychainService}", account "${provider}"`;
    const outcome = await keychain.callKeychain({ op: 'get', service: keychain.keychainService, account: provider }, options);
    if (outcome.ok && outcome.secret?.trim()) {
      this.keys[provider] = outcome.secret.trim();
      this.fromKeychain.add(provider);
      this.log.info(`Using the ${provider} API key from the OS keychain (${item}).`);
      return undefined;
    }
    if (outcome.ok) {
      this.log.info(`The OS keychain holds no ${provider} API key (${item}).`);
      return undefined;
    }
    const problem = keychain.describeKeychainProblem(outcome, provider, options.timeoutMs);
    this.log.warn(`Looking up the ${provider} API key in the OS keychain failed: ${problem}`);
    return problem;
  }
}
