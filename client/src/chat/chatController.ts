/**
 * What the chat views ask for, answered: it owns the session (the running request), the history (past
 * chats) and the views' shared state, and turns each validated webview message into an action. Every
 * view (the side bar and any editor tab) shows the same chat. Pure: editor actions are injected, so this
 * has no `vscode` import.
 */
import type { ProviderId } from '../../../server/src/protocol';
import type { ChatHistory, StoredChat } from './chatHistory';
import type { ChatSession } from './chatSession';
import { Conversation } from './conversation';
import type { HostAction, HostMessage, ViewStatus, WebviewMessage } from './webviewProtocol';

/** Things the controller asks the editor to do. */
export interface ChatActions {
  /** Runs the command behind an error's button or the missing-key notice. */
  runAction(action: Exclude<HostAction, 'openBilling'>): void;
  /** Opens a provider's billing page (a URL the server sent, kept by the host). */
  openBillingPage(url: string): PromiseLike<void>;
  copy(text: string): PromiseLike<void>;
  /** Inserts at the cursor of the last active text editor; false when there is none. */
  insertAtCursor(text: string): PromiseLike<boolean>;
  setProvider(provider: ProviderId): PromiseLike<void>;
  pickModel(): PromiseLike<void>;
  /** Tells the user something went wrong outside the transcript (e.g. nowhere to insert). */
  warn(message: string): void;
}

export interface ChatControllerOptions {
  session: ChatSession;
  history: ChatHistory;
  actions: ChatActions;
  /** Posts to every open view. */
  broadcast: (message: HostMessage) => void;
  /** The header's provider, model, demo label and missing key; `busy` is filled in here. */
  status: () => Omit<ViewStatus, 'busy'>;
  /** Whether any view has loaded (asked for its transcript) and can take a prefill now. */
  hasReadyView: () => boolean;
}

export const noEditorMessage =
  'There is no text editor to insert the code into. Click into an editor where the code should go, then click Insert again.';

export class ChatController {
  /** Text for the input box that arrived before any view could show it (Ask About Selection on a closed view). */
  private pendingPrefill: string | undefined;
  /** Which stored chat each conversation is, so an answer that ends after a switch is saved to its own chat. */
  private readonly chatIds = new WeakMap<Conversation, string>();

  /** The session must show the history's active chat (see `conversationOf`). */
  constructor(private readonly options: ChatControllerOptions) {
    this.chatIds.set(options.session.conversation, options.history.active.id);
  }

  /** Handles one validated message; `reply` answers only the view that sent it. */
  async receive(message: WebviewMessage, reply: (message: HostMessage) => void): Promise<void> {
    const { session, actions } = this.options;
    switch (message.type) {
      case 'ready':
        reply({ type: 'restore', entries: session.snapshot(), status: this.currentStatus() });
        reply(this.chatsMessage());
        if (this.pendingPrefill !== undefined) {
          reply({ type: 'prefillPrompt', text: this.pendingPrefill });
          this.pendingPrefill = undefined;
        }
        break;
      case 'send':
        await session.send(message.text);
        break;
      case 'stop':
        session.stop();
        break;
      case 'retry':
        await session.retryLast();
        break;
      case 'runAction':
        if (message.action === 'openBilling') {
          // The page stored with that answer; the webview names the answer, never the URL.
          const url = message.id === undefined ? undefined : session.actionUrlOf(message.id);
          if (url) {
            await actions.openBillingPage(url);
          }
        } else {
          actions.runAction(message.action);
        }
        break;
      case 'newChat':
        await this.show(this.options.history.startNew());
        break;
      case 'switchChat': {
        const chat = this.options.history.select(message.id);
        if (chat) {
          await this.show(chat);
        }
        break;
      }
      case 'deleteChat': {
        const next = this.options.history.delete(message.id);
        if (next) {
          await this.show(next);
        } else {
          this.options.broadcast(this.chatsMessage());
        }
        break;
      }
      case 'copyMessage': {
        const entry = session.snapshot().find((candidate) => candidate.id === message.id);
        if (entry) {
          await actions.copy(entry.text);
        }
        break;
      }
      case 'copyCode':
        await actions.copy(message.text);
        break;
      case 'insertCode':
        if (!(await actions.insertAtCursor(message.text))) {
          actions.warn(noEditorMessage);
        }
        break;
      case 'setProvider':
        await actions.setProvider(message.provider);
        break;
      case 'pickModel':
        await actions.pickModel();
        break;
    }
  }

  /** Puts text into the input box of the open views, or of the next view that opens. */
  prefill(text: string): void {
    if (this.options.hasReadyView()) {
      this.options.broadcast({ type: 'prefillPrompt', text });
    } else {
      this.pendingPrefill = text;
    }
  }

  /** Sends the header again to every view. */
  refreshStatus(): void {
    this.options.broadcast({ type: 'status', status: this.currentStatus() });
  }

  /** Saves the conversation the session changed, and updates the list (titles, order). */
  recordTranscript(conversation: Conversation): void {
    const id = this.chatIds.get(conversation);
    if (id === undefined) {
      return;
    }
    void this.options.history.record(id, conversation.snapshot());
    this.options.broadcast(this.chatsMessage());
  }

  currentStatus(): ViewStatus {
    return { ...this.options.status(), busy: this.options.session.busy };
  }

  private async show(chat: StoredChat): Promise<void> {
    const { session, broadcast } = this.options;
    const conversation = new Conversation(chat.entries);
    this.chatIds.set(conversation, chat.id);
    await session.replaceConversation(conversation);
    broadcast({ type: 'restore', entries: session.snapshot(), status: this.currentStatus() });
    broadcast(this.chatsMessage());
  }

  private chatsMessage(): HostMessage {
    const { history } = this.options;
    return { type: 'chats', chats: history.summaries(), activeId: history.active.id };
  }
}

/** The conversation a session starts with: the chat that was shown when the window closed. */
export function conversationOf(history: ChatHistory): Conversation {
  return new Conversation(history.active.entries);
}
