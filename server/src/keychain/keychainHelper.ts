/**
 * The keychain helper: `node keychain-helper.js` (built beside server.js), a short-lived process that makes
 * one OS keychain call and exits. The server and the `keys` command never call the keychain themselves:
 * a locked keyring on a machine with a display waits for an unlock prompt, forever if nobody answers it,
 * and nothing but killing the process stops that call (shared/recipes/keychain.md). So each call runs here,
 * and the parent (`keychainClient.ts`) kills this process when it takes too long.
 *
 * Reads one `KeychainRequest` (JSON) from stdin, writes one `KeychainReply` (a JSON line) to stdout.
 */
import { performKeychainCall, type KeyringModule } from './keychainCall';
import type { KeychainReply, KeychainRequest } from './keychainProtocol';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  let request: KeychainRequest;
  try {
    request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KeychainRequest;
  } catch {
    return reply({ ok: false, problem: 'failed', detail: 'the keychain helper received a request that is not JSON' });
  }
  let keyring: KeyringModule;
  try {
    // Imported here, not at the top: a platform without a prebuilt binary gets a reply that says so.
    const loaded = (await import('@napi-rs/keyring')) as KeyringModule & { default?: KeyringModule };
    keyring = loaded.Entry ? loaded : (loaded.default as KeyringModule);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
    return reply({ ok: false, problem: 'noBinding', detail });
  }
  reply(performKeychainCall(keyring, request));
}

/** Writes the reply and exits: the keychain library may keep threads (a D-Bus connection) alive. */
function reply(message: KeychainReply): void {
  process.stdout.write(`${JSON.stringify(message)}\n`, () => process.exit(0));
}

void main();
