/**
 * Every message between the chat webview and the extension host, declared once. The webview imports this
 * file with `import type` only; the host validates what the webview sends with `webviewMessageSchema`,
 * because the webview is untrusted input.
 */
import type { ErrorKind } from '../../../server/src/protocol';
import * as z from '../../../server/src/validation';
import { maxCodeLength, maxIdLength, maxPromptLength } from './limits';

export { maxCodeLength, maxPromptLength };

const id = z.string().check(z.minLength(1), z.maxLength(maxIdLength));
const code = z.string().check(z.minLength(1), z.maxLength(maxCodeLength));

/** Webview → host. */
export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** The webview has loaded and wants the transcript (first show, or reshown after being hidden). */
  z.strictObject({ type: z.literal('ready') }),
  /** The user sent a prompt. */
  z.strictObject({
    type: z.literal('send'),
    text: z.string().check(
      z.maxLength(maxPromptLength),
      z.refine((text) => text.trim().length > 0, 'must not be blank'),
    ),
  }),
  /** The user pressed Stop. */
  z.strictObject({ type: z.literal('stop') }),
  /**
   * The user clicked an action offered next to an error or in the missing-key notice. `id` is the answer
   * it belongs to: `openBilling` opens the page the host stored for that answer, never a URL from here.
   * (An error's Retry is the `retry` message.)
   */
  z.strictObject({ type: z.literal('runAction'), action: z.enum(['setApiKey', 'showServerOutput', 'openBilling']), id: z.optional(id) }),
  /** Starts an empty conversation (the current one stays in the list of past chats). */
  z.strictObject({ type: z.literal('newChat') }),
  /** Shows a past conversation. */
  z.strictObject({ type: z.literal('switchChat'), id }),
  /** Forgets a past conversation. */
  z.strictObject({ type: z.literal('deleteChat'), id }),
  /** Asks the last prompt again, replacing its answer (the answer's Retry, and an error's Retry). */
  z.strictObject({ type: z.literal('retry') }),
  /** Copies a whole message (by id: the host has its text). */
  z.strictObject({ type: z.literal('copyMessage'), id }),
  /** Copies a code block. */
  z.strictObject({ type: z.literal('copyCode'), text: code }),
  /** Inserts a code block at the cursor of the last active text editor. */
  z.strictObject({ type: z.literal('insertCode'), text: code }),
  /** Writes `tollgate.provider`. */
  z.strictObject({ type: z.literal('setProvider'), provider: z.enum(['anthropic', 'openai']) }),
  /** Asks for a model name (free-form) and writes `tollgate.model`. */
  z.strictObject({ type: z.literal('pickModel') }),
]);

export type WebviewMessage = z.infer<typeof webviewMessageSchema>;
/** An action the host runs for the view (`runAction`). */
export type HostAction = Extract<WebviewMessage, { type: 'runAction' }>['action'];
/** A button offered with an error: an action the host runs, or Retry (the `retry` message). */
export type ErrorAction = HostAction | 'retry';

/** How a message in the transcript ended, or that it has not yet. */
export type EntryState = 'streaming' | 'done' | 'stopped' | 'error';

export interface EntryError {
  kind: ErrorKind | 'serverStopped';
  /** A complete sentence for the user. */
  message: string;
  /** A button offered with the error. */
  action?: ErrorAction;
  /** Text had arrived before the failure: the answer is kept, marked interrupted. */
  interrupted?: boolean;
  /** The provider asked for a wait longer than the server sleeps through: retry at this time (epoch ms). */
  retryAt?: number;
  /** The page `openBilling` opens; the host opens its own copy, never one the webview sends. */
  actionUrl?: string;
}

export interface TranscriptEntry {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  state: EntryState;
  error?: EntryError;
  /** A remark under a finished answer, e.g. that older messages were left out to fit the context window. */
  note?: string;
}

/** What the header shows. */
export interface ViewStatus {
  provider: string;
  model: string;
  /** The offline-demo label, when answers come from the fake provider. */
  offlineDemoLabel?: string;
  /** A request is running: Send is disabled and Stop enabled. */
  busy: boolean;
  /** The provider has no API key (and no offline demo answers for it): the view offers Set API Key. */
  keyMissing?: boolean;
}

/** One conversation in the list of past chats. */
export interface ChatSummary {
  id: string;
  title: string;
  /** Milliseconds since the epoch of its last change. */
  updatedAt: number;
}

/** Host → webview. Only `restore` carries the whole transcript; streaming sends appended text only. */
export type HostMessage =
  | { type: 'restore'; entries: TranscriptEntry[]; status: ViewStatus }
  | { type: 'status'; status: ViewStatus }
  | { type: 'append'; entry: TranscriptEntry }
  /** Text to append to a streaming entry: every delta of one frame, concatenated. */
  | { type: 'delta'; id: string; text: string }
  /** The entry finished. `text`, when present, replaces the streamed text (the server's final word). */
  | { type: 'finish'; id: string; state: Exclude<EntryState, 'streaming'>; error?: EntryError; text?: string; note?: string }
  /** Puts a prompt back in the input box, so a failed prompt can be sent again. */
  | { type: 'restorePrompt'; text: string }
  /** Removes entries (a retried exchange). */
  | { type: 'remove'; ids: string[] }
  /** The list of past chats, newest first, and which one is shown. */
  | { type: 'chats'; chats: ChatSummary[]; activeId: string }
  /** Puts text (e.g. the selected code) into the input box, ahead of what is typed there, and focuses it. */
  | { type: 'prefillPrompt'; text: string }
  /** The server waits `delayMs` before retrying the answer `id` (`tollgate/retryScheduled`): show a countdown. */
  | { type: 'retryScheduled'; id: string; kind: ErrorKind; attempt: number; maxAttempts: number; delayMs: number };
