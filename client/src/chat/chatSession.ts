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
  scheduler?: FrameScheduler;
}

interface ActiveRequest {
  answerId: string;
  tokenSource: CancellationTokenSource;
  coalescer: DeltaCoalescer;
  stoppedByUser: boolean;
}

export class ChatSession {
  readonly conversation = new Conversation();
  private active: ActiveRequest | undefined;

  constructor(private readonly options: ChatSessionOptions) {}

  get busy(): boolean {
    return this.active !== undefined;
  }

  /** The transcript with every streamed character in it, for a view that is being (re)built. */
  snapshot(): ReturnType<Conversation['snapshot']> {
    // Text still waiting for its frame goes into the transcript now; the new view gets it from the snapshot.
    this.active?.coalescer.flush();
    return this.conversation.snapshot();
  }

  async send(prompt: string): Promise<void> {
    if (this.active) {
      this.options.log('A prompt arrived while an answer was streaming; it was ignored.');
      return;
    }
    const { post } = this.options;
    const exchange = this.conversation.addExchange(prompt);
    const answerId = exchange.answer.id;
    post({ type: 'append', entry: exchange.prompt });
    post({ type: 'append', entry: exchange.answer });

    const active: ActiveRequest = {
      answerId,
      tokenSource: new CancellationTokenSource(),
      coalescer: new DeltaCoalescer((text) => {
        this.conversation.appendText(answerId, text);
        post({ type: 'delta', id: answerId, text });
      }, this.options.scheduler),
      stoppedByUser: false,
    };
    this.active = active;
    this.options.onBusyChange();
    try {
      const result = await this.options.transport(
        { messages: this.conversation.historyFor(exchange.prompt.id) },
        active.tokenSource.token,
        (partial) => active.coalescer.push(textOfPartialResult(partial)),
      );
      active.coalescer.flush();
      // The result's text is the whole answer; it replaces the streamed text only if the two differ.
      const finalText = result.text === this.conversation.textOf(answerId) ? undefined : result.text;
      this.conversation.finish(answerId, 'done', undefined, finalText);
      const note = trimmedNote(result.trimmedMessages);
      if (note) {
        this.conversation.setNote(answerId, note);
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
        this.conversation.finish(answerId, 'stopped');
        post({ type: 'finish', id: answerId, state: 'stopped' });
      } else {
        this.options.log(`Chat request failed (${outcome.error.kind}): ${describeForLog(failure)}`);
        const error = withRecovery(outcome.error, failure, this.conversation.textOf(answerId) !== '', Date.now());
        this.conversation.finish(answerId, 'error', error);
        post({ type: 'finish', id: answerId, state: 'error', error });
        post({ type: 'restorePrompt', text: prompt });
      }
    } finally {
      active.tokenSource.dispose();
      this.active = undefined;
      this.options.onBusyChange();
    }
  }

  /** The server will retry the running request after a wait: the view shows a countdown. */
  retryScheduled(params: RetryScheduledParams): void {
    if (this.active) {
      this.active.coalescer.flush();
      this.options.post({ type: 'retryScheduled', id: this.active.answerId, ...params });
    }
  }

  /** Sends the prompt of a failed answer again (its Retry action). */
  async retry(answerId: string): Promise<void> {
    const entries = this.conversation.snapshot();
    const index = entries.findIndex((entry) => entry.id === answerId);
    const prompt = entries[index - 1];
    if (index > 0 && prompt?.role === 'user' && entries[index]?.state === 'error') {
      await this.send(prompt.text);
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
