/**
 * One conversation's requests: sends a prompt with its history, streams the answer into the transcript
 * and the view (coalesced), and ends it as done, stopped or failed. One request at a time. Pure: the
 * server and the view are injected, so this has no `vscode` import.
 */
import { CancellationTokenSource, type CancellationToken } from 'vscode-languageserver-protocol';
import type { ChatParams, ChatPartialResult, ChatResult, RetryScheduledParams } from '../../../server/src/protocol';
import { describeChatFailure } from './chatFailure';
import { Conversation } from './conversation';
import { DeltaCoalescer, textOfPartialResult, type FrameScheduler } from './deltaCoalescer';
import { trimmedNote, withRecovery } from './retryNotice';
import type { HostMessage } from './webviewProtocol';

/** Sends `tollgate/chat`, calling `onPartial` with each partial result, and resolves with the result. */
export type ChatTransport = (
  params: Omit<ChatParams, 'partialResultToken'>,
  token: CancellationToken,
  onPartial: (partial: ChatPartialResult) => void,
) => Promise<ChatResult>;

export interface ChatSessionOptions {
  transport: ChatTransport;
  /** Posts to the view; a hidden view drops the message and catches up through `snapshot()`. */
  post: (message: HostMessage) => void;
  /** Called when a request starts or ends. */
  onBusyChange: () => void;
  /** Records why a request failed, for the output channel. */
  log: (line: string) => void;
  /** Called when the transcript gained an exchange or one ended: the moment to save it. */
  onTranscriptChange?: (conversation: Conversation) => void;
  scheduler?: FrameScheduler;
  /** The conversation shown first (a chat restored from history); default: an empty one. */
  conversation?: Conversation;
}

interface ActiveRequest {
  answerId: string;
  /** Settles when the request has ended and the transcript says how. */
  settled: Promise<void>;
  tokenSource: CancellationTokenSource;
  coalescer: DeltaCoalescer;
  stoppedByUser: boolean;
}

export class ChatSession {
  private current: Conversation;
  private active: ActiveRequest | undefined;

  constructor(private readonly options: ChatSessionOptions) {
    this.current = options.conversation ?? new Conversation();
  }

  get busy(): boolean {
    return this.active !== undefined;
  }

  get conversation(): Conversation {
    return this.current;
  }

  /** Shows another conversation. Stops a running answer first and waits until its end is recorded. */
  async replaceConversation(conversation: Conversation): Promise<void> {
    this.stop();
    await this.settled();
    this.current = conversation;
  }

  /** Resolves when no request is running. */
  async settled(): Promise<void> {
    while (this.active) {
      await this.active.settled;
    }
  }

  /** The transcript with every streamed character in it, for a view that is being (re)built. */
  snapshot(): ReturnType<Conversation['snapshot']> {
    // Text still waiting for its frame goes into the transcript now; the new view gets it from the snapshot.
    this.active?.coalescer.flush();
    return this.current.snapshot();
  }

  /**
   * Asks the last prompt again: its exchange leaves the transcript and a new answer streams in its place.
   * The one path to "Retry last answer", for the view's button and for anything that offers a retry.
   */
  async retryLast(): Promise<void> {
    if (this.active) {
      this.options.log('Retry arrived while an answer was streaming; it was ignored.');
      return;
    }
    const removed = this.current.removeLastExchange();
    if (!removed) {
      return;
    }
    this.options.post({ type: 'remove', ids: removed.ids });
    await this.send(removed.prompt);
  }

  async send(prompt: string): Promise<void> {
    if (this.active) {
      this.options.log('A prompt arrived while an answer was streaming; it was ignored.');
      return;
    }
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    // The conversation this answer belongs to, even if another one is shown before it ends.
    const conversation = this.current;
    const { post } = this.options;
    const exchange = conversation.addExchange(prompt);
    const answerId = exchange.answer.id;
    post({ type: 'append', entry: exchange.prompt });
    post({ type: 'append', entry: exchange.answer });

    const active: ActiveRequest = {
      answerId,
      settled,
      tokenSource: new CancellationTokenSource(),
      coalescer: new DeltaCoalescer((text) => {
        conversation.appendText(answerId, text);
        post({ type: 'delta', id: answerId, text });
      }, this.options.scheduler),
      stoppedByUser: false,
    };
    this.active = active;
    this.options.onBusyChange();
    this.options.onTranscriptChange?.(conversation);
    try {
      const result = await this.options.transport(
        { messages: conversation.historyFor(exchange.prompt.id) },
        active.tokenSource.token,
        (partial) => active.coalescer.push(textOfPartialResult(partial)),
      );
      active.coalescer.flush();
      // The result's text is the whole answer; it replaces the streamed text only if the two differ.
      const finalText = result.text === conversation.textOf(answerId) ? undefined : result.text;
      conversation.finish(answerId, 'done', undefined, finalText);
      const note = trimmedNote(result.trimmedMessages);
      if (note) {
        conversation.setNote(answerId, note);
      }
      post({
        type: 'finish',
        id: answerId,
        state: 'done',
        ...(finalText === undefined ? {} : { text: finalText }),
        ...(note ? { note } : {}),
      });
    } catch (failure) {
      active.coalescer.flush();
      const outcome = describeChatFailure(failure, active.stoppedByUser);
      if (outcome.state === 'stopped') {
        conversation.finish(answerId, 'stopped');
        post({ type: 'finish', id: answerId, state: 'stopped' });
      } else {
        this.options.log(`Chat request failed (${outcome.error.kind}): ${describeForLog(failure)}`);
        const error = withRecovery(outcome.error, failure, conversation.textOf(answerId) !== '', Date.now());
        conversation.finish(answerId, 'error', error);
        post({ type: 'finish', id: answerId, state: 'error', error });
        post({ type: 'restorePrompt', text: prompt });
      }
    } finally {
      active.tokenSource.dispose();
      this.active = undefined;
      this.options.onTranscriptChange?.(conversation);
      this.options.onBusyChange();
      settle();
    }
  }

  /** The server will retry the running request after a wait: the view shows a countdown. */
  retryScheduled(params: RetryScheduledParams): void {
    if (this.active) {
      this.active.coalescer.flush();
      this.options.post({ type: 'retryScheduled', id: this.active.answerId, ...params });
    }
  }

  /** The billing page the server named for a failed answer (never a URL the webview sends). */
  actionUrlOf(answerId: string): string | undefined {
    return this.conversation.snapshot().find((entry) => entry.id === answerId)?.error?.actionUrl;
  }

  /** Cancels the running request: the client sends `$/cancelRequest` and the server aborts the HTTP call. */
  stop(): void {
    if (this.active) {
      this.active.stoppedByUser = true;
      this.active.tokenSource.cancel();
    }
  }
}

function describeForLog(failure: unknown): string {
  if (failure instanceof Error) {
    const code = (failure as { code?: unknown }).code;
    return typeof code === 'number' ? `${failure.message} (code ${code})` : failure.message;
  }
  return String(failure);
}
