/**
 * Where a growing markdown text may be cut so the part before the cut renders the same on its own: after
 * a blank line that is not inside a fenced code block. Reads each line once, however often it is asked,
 * so following a stream costs O(n) in total. Pure (no DOM), so it is unit-tested.
 */

/** A line opening or closing a fenced code block: up to 3 spaces, then 3+ backticks or tildes. */
const fencePattern = /^ {0,3}(`{3,}|~{3,})(.*)$/;

export class BlockCutter {
  /** The next line to read starts here. */
  private scanned = 0;
  /** The last index where a new block may start. */
  private cut = 0;
  /** The marker of the fence the text is inside, if any. */
  private fence: string | undefined;

  /** `text` is the whole text so far (it only grows); returns the last safe cut (0: none yet). */
  lastCut(text: string): number {
    for (let end = text.indexOf('\n', this.scanned); end !== -1; end = text.indexOf('\n', this.scanned)) {
      const line = text.slice(this.scanned, end);
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
      } else if (marker !== undefined) {
        this.fence = marker;
      } else if (line.trim() === '') {
        this.cut = end + 1;
      }
      this.scanned = end + 1;
    }
    return this.cut;
  }
}
