/**
 * Turns a failed `tollgate/chat` request into what the transcript shows. It switches on the error's
 * `data.kind` (see `ErrorData` in server/src/protocol.ts) and never parses message text. Pure.
 */
import type { ErrorKind } from '../../../server/src/protocol';
import * as z from '../../../server/src/validation';
import type { EntryError } from './webviewProtocol';

/** Every kind, as a record so the compiler fails here when `ErrorKind` gains or loses one. */
const knownKinds: Record<ErrorKind, true> = {
  rateLimited: true,
  overloaded: true,
  contextWindowExceeded: true,
  contentFiltered: true,
  quotaExceeded: true,
  authentication: true,
  invalidRequest: true,
  network: true,
  timeout: true,
  server: true,
  schemaInvalid: true,
  budgetExceeded: true,
  rateLimitedLocal: true,
  canceled: true,
};

const errorDataSchema = z.object({ kind: z.enum(Object.keys(knownKinds) as [ErrorKind, ...ErrorKind[]]), message: z.string().check(z.minLength(1)) });

export const serverStoppedMessage =
  'The Tollgate language server stopped before the answer finished. Your prompt and the partial answer ' +
  'are kept: send the prompt again to retry, or run "Tollgate: Show Server Output" to see what happened.';

export type ChatOutcome = { state: 'stopped' } | { state: 'error'; error: EntryError };

/** `stoppedByUser`: the user pressed Stop, so whatever the request ended with, it was stopped. */
export function describeChatFailure(failure: unknown, stoppedByUser: boolean): ChatOutcome {
  if (stoppedByUser) {
    return { state: 'stopped' };
  }
  const data = errorDataSchema.safeParse(
    typeof failure === 'object' && failure !== null ? (failure as { data?: unknown }).data : undefined,
  );
  if (!data.success) {
    // No Tollgate error data: the connection broke (the server process exited or could not start).
    return { state: 'error', error: { kind: 'serverStopped', message: serverStoppedMessage, action: 'showServerOutput' } };
  }
  const { kind, message } = data.data;
  switch (kind) {
    case 'canceled':
      return { state: 'stopped' };
    case 'authentication':
      return { state: 'error', error: { kind, message, action: 'setApiKey' } };
    default:
      return { state: 'error', error: { kind, message } };
  }
}
