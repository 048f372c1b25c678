/**
 * Every open chat webview (the side-bar view and any editor tab): sets each one up with the same HTML and
 * CSP, validates what it sends (zod: the webview is untrusted) and posts the session's messages to all.
 */
import * as vscode from 'vscode';
import { chatHtml, webviewRoot } from './chatHtml';
import { webviewMessageSchema, type HostMessage, type WebviewMessage } from './webviewProtocol';

export interface ChatWebviewsOptions {
  extensionUri: vscode.Uri;
  output: vscode.LogOutputChannel;
  /** Handles a valid message; `reply` posts to the sending webview only. */
  receive: (message: WebviewMessage, reply: (message: HostMessage) => void) => Promise<void>;
  /** Called after an invalid message, so the sender can be told the real state (e.g. not busy). */
  onInvalid: (reply: (message: HostMessage) => void) => void;
}

export class ChatWebviews {
  /** Each webview, and whether it has asked for its transcript yet. */
  private readonly webviews = new Map<vscode.Webview, { ready: boolean; visible: () => boolean }>();

  constructor(private readonly options: ChatWebviewsOptions) {}

  get hasReadyView(): boolean {
    // A hidden view's page is gone (no retainContextWhenHidden): it is rebuilt and asks again when shown.
    return [...this.webviews.values()].some((state) => state.ready && state.visible());
  }

  /** Loads the chat into `webview`; the returned disposable detaches it (call it when the view is disposed). */
  attach(webview: vscode.Webview, visible: () => boolean): vscode.Disposable {
    const { extensionUri } = this.options;
    webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
    webview.html = chatHtml(webview, extensionUri);
    const state = { ready: false, visible };
    this.webviews.set(webview, state);
    const reply = (message: HostMessage) => this.postTo(webview, message);
    const listener = webview.onDidReceiveMessage((raw: unknown) => {
      const parsed = webviewMessageSchema.safeParse(raw);
      if (!parsed.success) {
        // Log what was wrong (not the content, which may be large or hostile) and move on.
        const problem = parsed.error.issues[0];
        this.options.output.warn(
          `Ignored an invalid message from the chat view: ${problem ? `${problem.path.join('.') || 'message'} ${problem.message}` : 'unknown problem'}.`,
        );
        this.options.onInvalid(reply);
        return;
      }
      if (parsed.data.type === 'ready') {
        state.ready = true;
      }
      this.options.receive(parsed.data, reply).catch((error: unknown) => {
        this.options.output.error(`The chat could not handle "${parsed.data.type}": ${String(error)}`);
      });
    });
    return new vscode.Disposable(() => {
      listener.dispose();
      this.webviews.delete(webview);
    });
  }

  /** Posts to every open webview. A hidden one drops it and catches up from the transcript when shown. */
  broadcast(message: HostMessage): void {
    for (const webview of this.webviews.keys()) {
      this.postTo(webview, message);
    }
  }

  private postTo(webview: vscode.Webview, message: HostMessage): void {
    void webview.postMessage(message).then(undefined, (error: unknown) => {
      this.options.output.warn(`The chat view did not accept a message: ${String(error)}`);
    });
  }
}
