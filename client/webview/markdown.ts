/**
 * Model output is untrusted: markdown-it renders it with raw HTML disabled (see markdownParser.ts), and
 * DOMPurify sanitises the result before it reaches the DOM.
 */
import DOMPurify from 'dompurify';
import { highlight } from './highlight';
import { createMarkdown } from './markdownParser';

const markdown = createMarkdown(highlight);

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(markdown.render(text));
}
