/**
 * Counts tokens of an OpenAI byte-pair encoding (o200k_base, cl100k_base) from a compact rank table.
 *
 * gpt-tokenizer keeps a rank table as a `Map` of 200,000 strings plus the array it came from: ~13 MB of
 * live heap for o200k, held by the server for its whole life, since every call's reservation counts its
 * prompt. Counting needs only "bytes → rank": here every token's bytes sit in one buffer and their ranks
 * in an open-addressing hash table of `Int32Array` slots, ~4 MB. The algorithm is tiktoken's: split the
 * text with the encoding's pattern; a piece that is a token counts 1; any other piece starts as single
 * bytes and repeatedly merges the adjacent pair whose joined bytes have the lowest rank (the leftmost on a
 * tie) until no joined pair is a token. Special-token text is ordinary text here, as the API bills it.
 * test/unit/budget-compact-bpe.spec.ts checks it token for token against gpt-tokenizer.
 */

const utf8 = new TextEncoder();

export class CompactBpe {
  /** Every token's bytes, back to back, in rank order. */
  private readonly bytes: Uint8Array;
  /** Token `rank` is `bytes[starts[rank]] .. bytes[starts[rank + 1]]`; unused ranks are empty. */
  private readonly starts: Uint32Array;
  /** rank + 1 per slot, 0 for an empty slot; a power of two at least twice the number of tokens. */
  private readonly slots: Int32Array;
  /** A piece's UTF-8 bytes, reused: pieces are short except for long runs of one character class. */
  private piece = new Uint8Array(256);

  /**
   * @param ranks gpt-tokenizer's rank table: index = rank, value = the token as a string, or its bytes
   *   when they are not valid UTF-8; unused ranks are null in the JSON form, holes in the JavaScript one.
   * @param splitPattern the encoding's pre-tokenization pattern (a global, unicode RegExp).
   */
  constructor(
    ranks: readonly (string | readonly number[] | null)[],
    private readonly splitPattern: RegExp,
  ) {
    // Two passes straight into one buffer: 200,000 small arrays on the way would each own a backing store.
    this.starts = new Uint32Array(ranks.length + 1);
    let total = 0;
    for (const [rank, token] of ranks.entries()) {
      this.starts[rank] = total;
      total += token == null ? 0 : typeof token === 'string' ? Buffer.byteLength(token, 'utf8') : token.length;
    }
    this.starts[ranks.length] = total;
    this.bytes = new Uint8Array(total);
    let size = 1;
    while (size < ranks.length * 2) {
      size *= 2;
    }
    this.slots = new Int32Array(size);
    for (const [rank, token] of ranks.entries()) {
      const from = this.starts[rank]!;
      const to = this.starts[rank + 1]!;
      if (token == null || from === to) {
        continue;
      }
      if (typeof token === 'string') {
        utf8.encodeInto(token, this.bytes.subarray(from, to));
      } else {
        this.bytes.set(token, from);
      }
      let slot = hash(this.bytes, from, to) & (size - 1);
      while (this.slots[slot] !== 0) {
        slot = (slot + 1) & (size - 1);
      }
      this.slots[slot] = rank + 1;
    }
  }

  /** The number of tokens `text` encodes to. */
  count(text: string): number {
    let tokens = 0;
    for (const [piece] of text.matchAll(this.splitPattern)) {
      const length = this.encodePiece(piece);
      tokens += this.rankOf(this.piece, 0, length) === -1 ? this.mergedLength(length) : 1;
    }
    return tokens;
  }

  /** Writes `piece` as UTF-8 into `this.piece`, growing it as needed; returns the byte length. */
  private encodePiece(piece: string): number {
    if (piece.length * 3 > this.piece.length) {
      this.piece = new Uint8Array(piece.length * 3);
    }
    return utf8.encodeInto(piece, this.piece).written;
  }

  /** How many tokens the first `length` bytes of `this.piece` merge into. */
  private mergedLength(length: number): number {
    // Part i spans bounds[i] .. bounds[i + 1]; pairRank[i] is the rank of parts i and i + 1 joined.
    const bounds: number[] = [];
    for (let i = 0; i <= length; i++) {
      bounds.push(i);
    }
    const pairRank: number[] = [];
    for (let i = 0; i + 2 < bounds.length; i++) {
      pairRank.push(this.rankOf(this.piece, bounds[i]!, bounds[i + 2]!));
    }
    for (;;) {
      let best = -1;
      for (let i = 0; i < pairRank.length; i++) {
        const rank = pairRank[i]!;
        if (rank !== -1 && (best === -1 || rank < pairRank[best]!)) {
          best = i;
        }
      }
      if (best === -1) {
        return bounds.length - 1;
      }
      bounds.splice(best + 1, 1);
      pairRank.splice(best, 1);
      if (best < pairRank.length) {
        pairRank[best] = this.rankOf(this.piece, bounds[best]!, bounds[best + 2]!);
      }
      if (best > 0) {
        pairRank[best - 1] = this.rankOf(this.piece, bounds[best - 1]!, bounds[best + 1]!);
      }
    }
  }

  /** The rank of `source[from .. to]` as one token, or -1. */
  private rankOf(source: Uint8Array, from: number, to: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash(source, from, to) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) {
        return -1;
      }
      if (this.equals(entry - 1, source, from, to)) {
        return entry - 1;
      }
    }
  }

  private equals(rank: number, source: Uint8Array, from: number, to: number): boolean {
    const start = this.starts[rank]!;
    if (this.starts[rank + 1]! - start !== to - from) {
      return false;
    }
    for (let i = 0; i < to - from; i++) {
      if (this.bytes[start + i] !== source[from + i]) {
        return false;
      }
    }
    return true;
  }
}

/** FNV-1a, 32 bits, over `source[from .. to]`. */
function hash(source: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h = Math.imul(h ^ source[i]!, 0x01000193);
  }
  return h >>> 0;
}
