/**
 * Renders an answer while it streams without re-rendering all of it every frame (which would make a long
 * answer O(n²)). The text is cut at blank lines outside code fences: everything before the last such cut
 * is rendered once and kept, and only the tail after it is rendered again on the next frame. When the
 * answer ends, the whole text is rendered once, so markdown that spans a cut (a loose list) ends exact.
 */
import { renderMarkdown } from './markdown';

/** A line opening or closing a fenced code block: up to 3 spaces, then 3+ backticks or tildes. */
const fencePattern = /^ {0,3}(`{3,}|~{3,})(.*)$/;

export class StreamingMarkdown {
  private readonly frozen = document.createElement('div');
  private readonly tail = document.createElement('div');
  /** Text before this index is rendered and frozen. */
  private frozenEnd = 0;
  /** The next line to scan starts here. */
  private scanned = 0;
  /** The last index where a new block may start (after a blank line outside a fence). */
  private cut = 0;
  /** The marker of the fence the scan is inside, if any. */
  private fence: string | undefined;

  constructor(
    body: HTMLElement,
    /** Adds the Copy/Insert toolbars to newly rendered code blocks. */
    private readonly decorate: (rendered: HTMLElement) => void,
  ) {
    this.frozen.className = 'stream-frozen';
    this.tail.className = 'stream-tail';
    body.replaceChildren(this.frozen, this.tail);
  }

  /** `text` is the whole answer so far; it only ever grows while streaming. */
  update(text: string): void {
    this.scan(text);
    if (this.cut > this.frozenEnd) {
      const chunk = document.createElement('div');
      chunk.className = 'stream-chunk';
      chunk.innerHTML = renderMarkdown(text.slice(this.frozenEnd, this.cut));
      this.decorate(chunk);
      this.frozen.append(chunk);
      this.frozenEnd = this.cut;
    }
    this.tail.innerHTML = renderMarkdown(text.slice(this.frozenEnd));
    this.decorate(this.tail);
  }

  /** Reads the complete lines not yet read, tracking fences and blank lines. */
  private scan(text: string): void {
    for (let end = text.indexOf('\n', this.scanned); end !== -1; end = text.indexOf('\n', this.scanned)) {
      const line = text.slice(this.scanned, end);
      const fence = fencePattern.exec(line);
      if (this.fence !== undefined) {
        const closes =
          fence?.[1] !== undefined &&
          fence[1][0] === this.fence[0] &&
          fence[1].length >= this.fence.length &&
          (fence[2] ?? '').trim() === '';
        if (closes) {
          this.fence = undefined;
        }
      } else if (fence?.[1] !== undefined) {
        this.fence = fence[1];
      } else if (line.trim() === '') {
        this.cut = end + 1;
      }
      this.scanned = end + 1;
    }
  }
}
