/**
 * The chat in an editor tab: a WebviewPanel showing the same session as the side-bar view (one chat, two
 * places), so a long answer can be read wide. One tab at a time; the command reveals it if it is open.
 */
import * as vscode from 'vscode';
import type { ChatWebviews } from './chatWebviews';

export const chatPanelType = 'tollgate.chatPanel';

export class ChatPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly webviews: ChatWebviews,
    private readonly extensionUri: vscode.Uri,
  ) {}

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(chatPanelType, 'Tollgate Chat', vscode.ViewColumn.Beside, {
      enableScripts: true,
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'tollgate.svg');
    const attached = this.webviews.attach(panel.webview, () => panel.visible);
    panel.onDidDispose(() => {
      attached.dispose();
      this.panel = undefined;
    });
    this.panel = panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
