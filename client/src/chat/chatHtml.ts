/**
 * The chat view's HTML shell, with the Content Security Policy of vscode-extension-samples'
 * webview-view-sample: nothing by default, scripts only by nonce, styles and fonts only from the
 * extension's own webview resources.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The folder the view may load from: the bundled webview code and its stylesheet. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const root = webviewRoot(extensionUri);
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(root, 'chat.js'));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(root, 'chat.css'));
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link href="${styleUri.toString()}" rel="stylesheet">
  <title>Tollgate Chat</title>
</head>
<body>
  <div id="app"></div>
  <script nonce="${nonce}" src="${scriptUri.toString()}"></script>
</body>
</html>`;
}
