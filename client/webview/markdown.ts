/**
 * Model output is untrusted: markdown-it renders it with raw HTML disabled (and its own link check, which
 * refuses `javascript:`, `vbscript:` and non-image `data:` URLs), and DOMPurify sanitises the result
 * before it reaches the DOM.
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { highlight } from './highlight';

/** Exported for the tests that check a streamed answer renders in parts exactly as it does whole. */
export const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, highlight });

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(markdown.render(text));
}
