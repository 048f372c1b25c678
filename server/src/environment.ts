/**
 * What the server takes from the process that started it: API keys from the environment (the VS Code
 * client sets them from SecretStorage when it spawns the server; standalone users export them) and the
 * storage folder (`--storage DIR`, else `$TOLLGATE_HOME`, else `~/.tollgate`).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProviderId } from './protocol';

export type ApiKeys = Partial<Record<ProviderId, string>>;

export interface ServerEnvironment {
  apiKeys: ApiKeys;
  storageDir: string;
}

export function readEnvironment(argv: readonly string[], env: NodeJS.ProcessEnv): ServerEnvironment {
  return { apiKeys: apiKeysFrom(env), storageDir: storageDirFrom(argv, env) };
}

function apiKeysFrom(env: NodeJS.ProcessEnv): ApiKeys {
  const keys: ApiKeys = {};
  const anthropic = env['ANTHROPIC_API_KEY']?.trim();
  const openai = env['OPENAI_API_KEY']?.trim();
  if (anthropic) {
    keys.anthropic = anthropic;
  }
  if (openai) {
    keys.openai = openai;
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
