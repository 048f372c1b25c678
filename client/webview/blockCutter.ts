/**
 * Where a growing markdown text may be cut so that rendering the two parts one after the other gives
 * exactly the HTML of rendering the whole: before a line that starts a new top-level block after a blank
 * line. That line must not be indented (it could continue a list item or an indented code block) and must
 * not be a list item (it could make the list before it loose), and the blank line must not be inside a
 * fenced code block. Reference definitions (`[x]: url`) are document-wide, so a text with one is not
 * exact in parts; `hasReferenceDefinitions` says so. Reads each line once, however often it is asked, so
 * following a stream costs O(n) in total. Pure (no DOM), so it is unit-tested.
 */

/** A line opening or closing a fenced code block: up to 3 spaces, then 3+ backticks or tildes. */
const fencePattern = /^ {0,3}(`{3,}|~{3,})(.*)$/;
/** A bullet or ordered list item's marker at the start of a line. */
const listItemPattern = /^(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;
/** A link reference definition: `[label]: destination`. */
const referencePattern = /^ {0,3}\[[^\]]+\]:/;

export class BlockCutter {
  /** The next line to read starts here. */
  private scanned = 0;
  /** The last index where a new block may start. */
  private cut = 0;
  /** The marker of the fence the text is inside, if any. */
  private fence: string | undefined;
  /** A blank line (outside a fence) came after the last line with content. */
  private afterBlank = false;
  /** Some line is a link reference definition: the parts would not render as the whole does. */
  hasReferenceDefinitions = false;

  /** `text` is the whole text so far (it only grows); returns the last safe cut (0: none yet). */
  lastCut(text: string): number {
    for (let end = text.indexOf('\n', this.scanned); end !== -1; end = text.indexOf('\n', this.scanned)) {
      this.read(text.slice(this.scanned, end), this.scanned);
      this.scanned = end + 1;
    }
    return this.cut;
  }

  /** The caller took the text before `count` away: indexes now count from there. */
  drop(count: number): void {
    this.scanned -= count;
    this.cut = Math.max(0, this.cut - count);
  }

  private read(line: string, start: number): void {
    const fence = fencePattern.exec(line);
    const marker = fence?.[1];
    if (this.fence !== undefined) {
      const closes =
        marker !== undefined &&
        marker[0] === this.fence[0] &&
        marker.length >= this.fence.length &&
        (fence?.[2] ?? '').trim() === '';
      if (closes) {
        this.fence = undefined;
      }
      return;
    }
    if (line.trim() === '') {
      this.afterBlank = true;
      return;
    }
    if (this.afterBlank && /^\S/.test(line) && !listItemPattern.test(line)) {
      this.cut = start;
    }
    this.afterBlank = false;
    if (marker !== undefined) {
      this.fence = marker;
    } else if (referencePattern.test(line)) {
      this.hasReferenceDefinitions = true;
    }
  }
}
