/**
 * Limits both sides of the chat view enforce: the webview to stop a user early, the host because the
 * webview is untrusted. No imports, so the webview can import the values without bundling anything else.
 */

/** The longest prompt the view accepts; far above any real prompt, it bounds what garbage can cost. */
export const maxPromptLength = 200_000;

/** The longest code block the view may ask the host to copy or insert (a 1 MB answer is one block at worst). */
export const maxCodeLength = 2_000_000;

/** Ids are short strings made by the host (`c…`, `m…`); anything longer is garbage. */
export const maxIdLength = 100;
