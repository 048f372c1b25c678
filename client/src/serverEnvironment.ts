/**
 * The environment the language server process starts with. API keys reach the server only this way —
 * never through initializationOptions, settings or logs (LSP tracing prints initializationOptions).
 * Pure: no `vscode` import.
 */
import type { ProviderId } from '../../server/src/protocol';

/** The variables the server reads its keys from, the same ones it reads when run standalone. */
export const apiKeyVariables: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
};

/**
 * Returns the environment for the server: `inherited` with the key variables replaced by `keys`.
 * A key the user did not store is set to `undefined`, not left out: vscode-languageclient merges the
 * extension host's own environment under the one it is given, and Node drops `undefined` variables when
 * it spawns, so this is what keeps a key inherited from the shell from reaching the server.
 */
export function serverEnvironment(
  inherited: Record<string, string | undefined>,
  keys: Record<ProviderId, string | undefined>,
): Record<string, string | undefined> {
  const environment: Record<string, string | undefined> = { ...inherited };
  for (const [provider, variable] of Object.entries(apiKeyVariables) as [ProviderId, string][]) {
    environment[variable] = keys[provider] || undefined;
  }
  return environment;
}
