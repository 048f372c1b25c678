/**
 * Model output is untrusted: markdown-it renders it with raw HTML disabled (see markdownParser.ts), and
 * DOMPurify sanitises the result before it reaches the DOM.
 *
 * The markup is parsed into a detached element of an inert document (no browsing context: nothing in it
 * runs or loads) and sanitised there in place, then its nodes move into the view. DOMPurify's string mode
 * would parse every call into a Document of its own and serialise the result for `innerHTML` to parse
 * again: while an answer streams that is a new Document and two parses per frame, and the garbage made
 * the shared renderer heap's major collections pause the chat view for 45 ms and more (a Chromium trace of
 * the webviewLongTasks bench).
 */
import DOMPurify from 'dompurify';
import { highlight } from './highlight';
import { createMarkdown } from './markdownParser';

const markdown = createMarkdown(highlight);
const inert = document.implementation.createHTMLDocument('');
/** Tollgate's own DOMPurify, configured once: a config passed to each call is parsed again every call. */
const purify = DOMPurify(window);
purify.setConfig({ IN_PLACE: true });

/** Replaces the children of `target` with `text` rendered as sanitised markdown. */
export function renderMarkdownInto(target: HTMLElement, text: string): void {
  const holder = inert.createElement('div');
  holder.innerHTML = markdown.render(text);
  purify.sanitize(holder);
  target.replaceChildren();
  // appendChild adopts each node into the view's document.
  while (holder.firstChild) {
    target.appendChild(holder.firstChild);
  }
}
