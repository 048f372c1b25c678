/**
 * The side-bar chat view (`tollgate.chat`). The transcript lives in the session, not the webview, so the
 * view is rebuilt from it whenever it is shown again (no `retainContextWhenHidden`).
 */
import * as vscode from 'vscode';
import type { ChatWebviews } from './chatWebviews';

export const chatViewId = 'tollgate.chat';

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private attached: vscode.Disposable | undefined;

  constructor(private readonly webviews: ChatWebviews) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.attached?.dispose();
    const webview = this.webviews.attach(view.webview, () => view.visible);
    const disposed = view.onDidDispose(() => {
      webview.dispose();
      disposed.dispose();
    });
    this.attached = vscode.Disposable.from(webview, disposed);
  }

  dispose(): void {
    this.attached?.dispose();
  }
}
