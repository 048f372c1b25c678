/**
 * Limits both sides of the chat view enforce: the webview to stop a user early, the host because the
 * webview is untrusted. No imports, so the webview can import the values without bundling anything else.
 */

/** The longest prompt the view accepts; far above any real prompt, it bounds what garbage can cost. */
export const maxPromptLength = 200_000;
