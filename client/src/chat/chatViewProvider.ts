/**
 * The host side of the chat view (`tollgate.chat`): builds the webview, validates what it sends, and
 * relays between it and the chat session. The transcript lives in the session, not the webview, so the
 * view is rebuilt from it whenever it is shown again.
 */
import * as vscode from 'vscode';
import { chatHtml, webviewRoot } from './chatHtml';
import type { ChatSession } from './chatSession';
import { webviewMessageSchema, type ErrorAction, type HostMessage, type ViewStatus } from './webviewProtocol';

export const chatViewId = 'tollgate.chat';

export interface ChatViewDependencies {
  extensionUri: vscode.Uri;
  session: ChatSession;
  /** The header's provider, model and offline-demo label; `busy` is filled in here. */
  status: () => Omit<ViewStatus, 'busy'>;
  /** Runs an action offered next to an error (a command); `id` is the answer it belongs to. */
  runAction: (action: ErrorAction, id: string | undefined) => void;
  output: vscode.LogOutputChannel;
}

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly viewDisposables: vscode.Disposable[] = [];

  constructor(private readonly deps: ChatViewDependencies) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [webviewRoot(this.deps.extensionUri)],
    };
    view.webview.html = chatHtml(view.webview, this.deps.extensionUri);
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.disposeView();
        }
      }),
    );
  }

  /** Posts to the view if it exists. A hidden view catches up from the transcript when it reloads. */
  post(message: HostMessage): void {
    void this.view?.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.deps.output.warn(`The chat view did not accept a message: ${String(error)}`);
    });
  }

  /** Sends the header again (provider, model, demo label, busy). */
  refreshStatus(): void {
    this.post({ type: 'status', status: this.currentStatus() });
  }

  dispose(): void {
    this.disposeView();
  }

  private receive(raw: unknown): void {
    const parsed = webviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      // The webview is untrusted: log what was wrong (not the content, which may be large) and move on.
      const problem = parsed.error.issues[0];
      this.deps.output.warn(
        `Ignored an invalid message from the chat view: ${problem ? `${problem.path.join('.') || 'message'} ${problem.message}` : 'unknown problem'}.`,
      );
      // The view may have marked itself busy for a prompt that was ignored; tell it the real state.
      this.refreshStatus();
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        this.post({ type: 'restore', entries: this.deps.session.snapshot(), status: this.currentStatus() });
        break;
      case 'send':
        void this.deps.session.send(message.text);
        break;
      case 'stop':
        this.deps.session.stop();
        break;
      case 'runAction':
        this.deps.runAction(message.action, message.id);
        break;
    }
  }

  private currentStatus(): ViewStatus {
    return { ...this.deps.status(), busy: this.deps.session.busy };
  }

  private disposeView(): void {
    this.view = undefined;
    for (const disposable of this.viewDisposables.splice(0)) {
      disposable.dispose();
    }
  }
}
