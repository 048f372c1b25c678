/**
 * Renders an answer while it streams without re-rendering all of it every frame (which would make a long
 * answer O(n²)). Text before the last exact cut (see BlockCutter) is rendered once and kept; only the
 * tail after it is rendered again. The kept part is grouped in sections of about `sectionChars`; a full
 * section is sealed with `content-visibility: auto` and its measured height, so the browser skips style,
 * layout and paint of every section out of view: a frame's cost stays the same however long the
 * transcript grows. When the answer ends, only the tail is rendered once more (the cuts are exact).
 */
import { BlockCutter } from './blockCutter';
import { renderMarkdown } from './markdown';

/** About 80–150 paragraphs of prose: small enough to lay out in a frame, few enough to stay cheap. */
export const sectionChars = 12_000;

export class StreamingMarkdown {
  private readonly tail = document.createElement('div');
  private readonly cutter = new BlockCutter();
  /** The section kept chunks go into until it holds `sectionChars`. */
  private section: HTMLElement | undefined;
  private sectionLength = 0;
  /** Text after the kept part: what the tail shows. */
  private pending: string;
  private tailStale = true;

  constructor(
    private readonly body: HTMLElement,
    /** Adds the Copy/Insert toolbars to newly rendered code blocks. */
    private readonly decorate: (rendered: HTMLElement) => void,
    text: string,
  ) {
    this.pending = text;
    this.tail.className = 'stream-tail';
    body.replaceChildren(this.tail);
  }

  /** Streamed text to show on the next `render`. */
  append(text: string): void {
    this.pending += text;
    this.tailStale ||= text !== '';
  }

  /**
   * False when the kept parts do not render as the whole text does (it has reference definitions): the
   * caller renders the finished answer whole instead.
   */
  get exact(): boolean {
    return !this.cutter.hasReferenceDefinitions;
  }

  render(): void {
    if (!this.tailStale) {
      return;
    }
    this.tailStale = false;
    // Sealed now, while the last frame's layout is still valid, so measuring it costs nothing.
    if (this.section && this.sectionLength >= sectionChars) {
      this.seal(this.section);
    }
    const cut = this.cutter.lastCut(this.pending);
    if (cut > 0) {
      this.keep(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
      this.cutter.drop(cut);
    }
    this.tail.innerHTML = renderMarkdown(this.pending);
    this.decorate(this.tail);
  }

  private keep(text: string): void {
    if (!this.section || this.section.classList.contains('sealed')) {
      this.section = document.createElement('div');
      this.section.className = 'stream-section';
      this.sectionLength = 0;
      this.body.insertBefore(this.section, this.tail);
    }
    const chunk = document.createElement('div');
    chunk.className = 'stream-chunk';
    chunk.innerHTML = renderMarkdown(text);
    this.decorate(chunk);
    this.section.append(chunk);
    this.sectionLength += text.length;
  }

  private seal(section: HTMLElement): void {
    const height = section.offsetHeight;
    if (height === 0) {
      return; // The view is hidden: nothing to measure; try again on a later frame.
    }
    // `auto`: once shown, the browser remembers the real height (after a resize too).
    section.style.containIntrinsicSize = `auto ${height}px`;
    section.classList.add('sealed');
  }
}
