/**
 * Model output is untrusted: markdown-it renders it with raw HTML disabled, and DOMPurify sanitises the
 * result before it reaches the DOM.
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(markdown.render(text));
}
