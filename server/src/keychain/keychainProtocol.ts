/**
 * What the server (or the `keys` command) and the keychain helper process say to each other: one request
 * as JSON on the helper's stdin, one reply as a JSON line on its stdout. The secret travels only through
 * these pipes, never in the helper's arguments or environment, which other users can read (`ps`, /proc).
 * Types only, so the helper's bundle and the server's share no code.
 */

export type KeychainOperation = 'get' | 'set' | 'delete';

export interface KeychainRequest {
  op: KeychainOperation;
  /** The keychain item's service name (Tollgate: `tollgate`). */
  service: string;
  /** The item's account name: the provider id. */
  account: string;
  /** The key to store; `set` only. */
  secret?: string;
}

/**
 * Why a keychain call failed, as far as the helper can tell:
 * - `unavailable`: no OS keychain to talk to (on Linux: no session D-Bus, or no Secret Service on it);
 * - `locked`: the keyring is locked and could not ask to be unlocked (no display for the prompt);
 * - `noKeyring`: the Secret Service has no keyring (collection) to store an item in;
 * - `noBinding`: the keychain library's native binary could not be loaded (no build for this platform,
 *   or dist/server copied without its node_modules folder);
 * - `failed`: anything else, `detail` says what.
 * The parent adds `timedOut` (the helper did not answer in time: usually an unlock prompt nobody answered).
 */
export type KeychainProblem = 'unavailable' | 'locked' | 'noKeyring' | 'noBinding' | 'failed';

export type KeychainReply =
  | { ok: true; /** `get`: the stored key, null when there is none. */ secret?: string | null; /** `delete`: whether an item was removed. */ deleted?: boolean }
  | { ok: false; problem: KeychainProblem; /** The platform's own words, for the log; never holds the secret. */ detail: string };
