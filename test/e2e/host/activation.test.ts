// The extension as VS Code sees it: it activates in the extension host, registers its commands, and
// Open Chat reveals the chat view.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'tollgate.tollgate';

suite('Tollgate in the extension host', () => {
  test('activates without error', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in this extension host.`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['tollgate.openChat', 'tollgate.setApiKey']) {
      assert.ok(commands.includes(command), `${command} is not registered.`);
    }
  });

  test('contributes the chat view', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const json = extension?.packageJSON as { contributes?: { views?: Record<string, { id: string }[]> } };
    const views = Object.values(json.contributes?.views ?? {}).flat().map((view) => view.id);
    assert.ok(views.includes('tollgate.chat'), `package.json contributes no tollgate.chat view (it has: ${views.join(', ')}).`);
  });

  test('Open Chat runs and reveals the chat view', async () => {
    await vscode.commands.executeCommand('tollgate.openChat');
    // A webview view has no visibility API outside its provider; `<id>.focus` exists only for a
    // registered view and fails otherwise, so it is the check that the view is there to show.
    await vscode.commands.executeCommand('tollgate.chat.focus');
  });
});
