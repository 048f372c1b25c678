/**
 * Model output is untrusted: markdown-it renders it with raw HTML disabled (see markdownParser.ts), and
 * DOMPurify sanitises the result before it reaches the DOM.
 */
import DOMPurify from 'dompurify';
import { highlight } from './highlight';
import { createMarkdown } from './markdownParser';

const markdown = createMarkdown(highlight);
/**
 * Tollgate's own DOMPurify, configured once (with the defaults): without `setConfig` every call parses its
 * configuration again, copying the allow-lists, and while an answer streams that is every frame (a heap
 * profile of the webviewLongTasks bench: ~1 MB per 20-second answer).
 */
const purify = DOMPurify(window);
purify.setConfig({});

export function renderMarkdown(text: string): string {
  return purify.sanitize(markdown.render(text));
}
