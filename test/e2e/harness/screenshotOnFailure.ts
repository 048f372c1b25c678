// Runs one e2e test body against the session; when it fails, keeps a screenshot of what the workbench
// showed and names it in the error, so a red run says what the user would have seen.
import * as assert from 'node:assert/strict';
import type { Session } from './session';

export async function screenshotOnFailure<T>(session: Session | undefined, name: string, body: (s: Session) => Promise<T>): Promise<T> {
  assert.ok(session, 'The session did not start (see the before hook).');
  try {
    return await body(session);
  } catch (error) {
    const path = await session.browser.screenshot(`${name}-failure`).catch(() => 'no screenshot');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nScreenshot: ${path}`, { cause: error });
  }
}
