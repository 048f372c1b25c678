/**
 * What the chat offers after a failure, beyond the server's message: Retry for an interrupted answer or
 * a wait too long for the server to sleep through, the provider's billing page for an empty account;
 * and the note under an answer for which older messages were left out.
 * It reads only typed fields of the error's `data` (see `ErrorData` in server/src/protocol.ts). Pure.
 */
import { longestProviderWaitMs } from '../../../server/src/retry';
import * as z from '../../../server/src/validation';
import type { EntryError } from './webviewProtocol';

/** Only the providers' own https pages are ever sent; anything else is not opened. */
export const actionUrlSchema = z.url({ protocol: /^https$/ });

const recoveryDataSchema = z.object({
  retryAfterMs: z.optional(z.number().check(z.gte(0))),
  actionUrl: z.optional(actionUrlSchema),
});

/**
 * `hadText`: part of the answer had streamed before the failure. `now`: when the error arrived, for the
 * time a long provider wait ends.
 */
export function withRecovery(error: EntryError, failure: unknown, hadText: boolean, now: number): EntryError {
  const raw = typeof failure === 'object' && failure !== null ? (failure as { data?: unknown }).data : undefined;
  const parsed = recoveryDataSchema.safeParse(raw);
  const data = parsed.success ? parsed.data : {};
  const result: EntryError = { ...error };
  if (hadText) {
    result.interrupted = true;
  }
  if (data.retryAfterMs !== undefined && data.retryAfterMs > longestProviderWaitMs) {
    result.retryAt = now + data.retryAfterMs;
  }
  if (error.kind === 'quotaExceeded' && data.actionUrl) {
    result.actionUrl = data.actionUrl;
    result.action ??= 'openBilling';
  }
  if (result.interrupted || result.retryAt !== undefined) {
    result.action ??= 'retry';
  }
  return result;
}

/** What the user is told when the server left older messages out (`ChatResult.trimmedMessages`). */
export function trimmedNote(trimmedMessages: number | undefined): string | undefined {
  if (!trimmedMessages) {
    return undefined;
  }
  const what = trimmedMessages === 1 ? 'The oldest message was' : `The ${trimmedMessages} oldest messages were`;
  return `${what} left out so the conversation fits the model's context window.`;
}
