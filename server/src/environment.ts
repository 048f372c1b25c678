/**
 * What the server takes from the process that started it: API keys from the environment (the VS Code
 * client sets them from SecretStorage when it spawns the server; standalone users export them), whether
 * keys missing there may be looked up in the OS keychain (standalone only: the VS Code client turns it off
 * with `TOLLGATE_KEYCHAIN=off`), and the storage folder (`--storage DIR`, else `$TOLLGATE_HOME`, else
 * `~/.tollgate`).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HelperCommand, KeychainOptions } from './keychain/keychainClient';
import type { ProviderId } from './protocol';

export type ApiKeys = Partial<Record<ProviderId, string>>;

/** The variables the server reads its keys from; a key set here wins over the OS keychain. */
export const apiKeyVariables: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
};

/**
 * `TOLLGATE_KEYCHAIN=off` keeps the server away from the OS keychain. The VS Code client always sets it:
 * there the keys come from SecretStorage, and a key the user did not store must stay missing.
 */
export const keychainVariable = 'TOLLGATE_KEYCHAIN';

/**
 * How long the server waits for one keychain lookup: long enough to type a password into an unlock prompt,
 * short enough that a prompt nobody sees does not hold a chat for ever.
 */
export const serverKeychainTimeoutMs = 30_000;

export interface ServerEnvironment {
  apiKeys: ApiKeys;
  storageDir: string;
  /** Where keys missing from the environment are looked up; absent: nowhere (VS Code, or turned off). */
  keychain?: KeychainOptions;
}

/** `keychainHelper`: how to start the keychain helper; without it the keychain is not used. */
export function readEnvironment(argv: readonly string[], env: NodeJS.ProcessEnv, keychainHelper?: HelperCommand): ServerEnvironment {
  const environment: ServerEnvironment = { apiKeys: apiKeysFrom(env), storageDir: storageDirFrom(argv, env) };
  if (keychainHelper && keychainEnabled(env)) {
    environment.keychain = { helper: keychainHelper, timeoutMs: serverKeychainTimeoutMs };
  }
  return environment;
}

export function keychainEnabled(env: NodeJS.ProcessEnv): boolean {
  return !['off', 'false', '0', 'no'].includes(env[keychainVariable]?.trim().toLowerCase() ?? '');
}

function apiKeysFrom(env: NodeJS.ProcessEnv): ApiKeys {
  const keys: ApiKeys = {};
  for (const [provider, variable] of Object.entries(apiKeyVariables) as [ProviderId, string][]) {
    const key = env[variable]?.trim();
    if (key) {
      keys[provider] = key;
    }
  }
  return keys;
}

function storageDirFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const index = argv.findIndex((arg) => arg === '--storage' || arg.startsWith('--storage='));
  const arg = argv[index];
  const fromArgs = arg?.startsWith('--storage=') ? arg.slice('--storage='.length) : argv[index + 1];
  if (index >= 0 && fromArgs) {
    return resolve(fromArgs);
  }
  const fromEnv = env['TOLLGATE_HOME']?.trim();
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.tollgate');
}
