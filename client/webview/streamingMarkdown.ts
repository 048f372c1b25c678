/**
 * Renders an answer while it streams without re-rendering all of it every frame (which would make a long
 * answer O(n²)). Everything before the last safe cut (see BlockCutter) is rendered once and kept; only
 * the tail after it is rendered again on the next frame. When the answer ends, the transcript renders
 * the whole text once, so markdown that spans a cut (a loose list) ends exact.
 */
import { BlockCutter } from './blockCutter';
import { renderMarkdown } from './markdown';

export class StreamingMarkdown {
  private readonly frozen = document.createElement('div');
  private readonly tail = document.createElement('div');
  private readonly cutter = new BlockCutter();
  /** Text before this index is rendered and frozen. */
  private frozenEnd = 0;

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
    const cut = this.cutter.lastCut(text);
    if (cut > this.frozenEnd) {
      const chunk = document.createElement('div');
      chunk.className = 'stream-chunk';
      chunk.innerHTML = renderMarkdown(text.slice(this.frozenEnd, cut));
      this.decorate(chunk);
      this.frozen.append(chunk);
      this.frozenEnd = cut;
    }
    this.tail.innerHTML = renderMarkdown(text.slice(this.frozenEnd));
    this.decorate(this.tail);
  }
}
