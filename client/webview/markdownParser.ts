/**
 * The chat's markdown-it configuration: raw HTML disabled (and markdown-it's own link check, which refuses
 * `javascript:`, `vbscript:` and non-image `data:` URLs). Kept apart from markdown.ts, which adds
 * highlight.js and DOMPurify, so tests in Node can render with the same options: both of those bring the
 * DOM's types, which clash with Node's fetch types in the main project. Highlighting works per code block,
 * so leaving it out does not change where a streamed answer can be cut.
 */
import MarkdownIt from 'markdown-it';

export function createMarkdown(highlight?: (code: string, language: string) => string): MarkdownIt {
  return new MarkdownIt({ html: false, linkify: true, typographer: false, ...(highlight ? { highlight } : {}) });
}
