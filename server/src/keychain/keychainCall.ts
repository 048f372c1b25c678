/**
 * One keychain operation against @napi-rs/keyring, run inside the keychain helper process
 * (`keychainHelper.ts`), and the reading of its failures. Separate from the helper's entry so the tests can
 * drive it with a fake keyring module.
 */
import type { KeychainProblem, KeychainReply, KeychainRequest } from './keychainProtocol';

/** The part of @napi-rs/keyring Tollgate uses: its synchronous `Entry`. */
export interface KeyringModule {
  Entry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => KeyringEntry;
}

export interface KeyringEntry {
  getPassword(): string | null;
  setPassword(password: string): void;
  deleteCredential(): boolean;
}

/**
 * On Linux the entry is pinned to the Secret Service: left to itself, @napi-rs/keyring silently falls back
 * to the kernel keyring when no Secret Service answers, and a key stored there is gone after a reboot
 * (shared/recipes/keychain.md). Other platforms ignore the option.
 */
const entryOptions = { linux: { store: 'secret-service' as const } };

export function performKeychainCall(keyring: KeyringModule, request: KeychainRequest): KeychainReply {
  let entry: KeyringEntry;
  try {
    entry = new keyring.Entry(request.service, request.account, entryOptions);
  } catch (error) {
    // Creating a Secret Service entry connects to the session bus and the service: failing here means
    // there is no keychain to talk to.
    return { ok: false, problem: classifyKeychainError('open', request, messageOf(error)), detail: messageOf(error) };
  }
  try {
    switch (request.op) {
      case 'get':
        return { ok: true, secret: entry.getPassword() };
      case 'set':
        entry.setPassword(request.secret ?? '');
        return { ok: true };
      case 'delete':
        return { ok: true, deleted: entry.deleteCredential() };
    }
  } catch (error) {
    return { ok: false, problem: classifyKeychainError('call', request, messageOf(error)), detail: messageOf(error) };
  }
}

/**
 * keyring-rs gives one error code (`GenericFailure`) for everything, so the message is all there is to go
 * by; these are its words on Linux (checked against gnome-keyring 42):
 * - no session bus / no Secret Service on it: "Platform failure: DBus error: …" when the entry is created;
 * - a locked keyring whose unlock prompt cannot be shown: "… Secret Service: unlock prompt was dismissed";
 * - storing with no keyring (collection) to store in: "… Secret Service: no result found".
 */
export function classifyKeychainError(stage: 'open' | 'call', request: KeychainRequest, message: string): KeychainProblem {
  if (stage === 'open' || /DBus error/i.test(message)) {
    return 'unavailable';
  }
  if (/unlock prompt was dismissed|\blocked\b/i.test(message)) {
    return 'locked';
  }
  if (request.op === 'set' && /no result found/i.test(message)) {
    return 'noKeyring';
  }
  return 'failed';
}

/** The platform's words, never the secret (keyring-rs does not quote it, and the caller redacts anyway). */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
