/**
 * The client's view of Tollgate's settings. The registry itself (names, defaults, sanitising) lives in
 * `server/src/settings.ts` because the server is its only consumer; the client re-exports it so that
 * `package.json` and the registry can be tested against each other from one place.
 */
import * as vscode from 'vscode';

export { settingKeys, settingDefinitions, defaultSettings, defaultModels, sanitiseSettings } from '../../server/src/settings';
export type { Settings } from '../../server/src/settings';

export const settingsSection = 'tollgate';

/**
 * The `tollgate` section as the user configured it (defaults included), as a plain JSON object — the
 * same shape the language client answers `workspace/configuration` with, so the server sees one shape.
 */
export function readRawSettings(): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration().get<unknown>(settingsSection);
  // A round trip through JSON drops VS Code's proxy and freezing, leaving data the client may copy and edit.
  const plain: unknown = JSON.parse(JSON.stringify(section ?? {}));
  return typeof plain === 'object' && plain !== null && !Array.isArray(plain) ? (plain as Record<string, unknown>) : {};
}
