// SSE framing and the socket writer that reproduces real providers' wire habits (see WireQuirks).
import type { ServerResponse } from 'node:http';
import type { WireQuirks } from './scenario';

/** One server-sent event; `data` is already serialized (JSON or a sentinel like `[DONE]`). */
export interface SseEvent {
  /** The `event:` line; Anthropic requires it, OpenAI Chat Completions never sends it. */
  event?: string;
  data: string;
}

/** One event of a planned stream, tagged so the runner can pace and truncate it. */
export interface StreamStep {
  sse: SseEvent;
  /** Carries a text delta: the chunk delay applies before it. */
  chunk?: boolean;
  /** Part of the normal ending (stop/finish/usage/[DONE]); left out when the provider dies mid-stream. */
  closing?: boolean;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Gap between the pieces of a split event: long enough that they leave in separate TCP segments. */
const SPLIT_GAP_MS = 4;
const COMMENT = ': tollgate-fake keep-alive';

/** Headers every SSE response carries, as the real APIs send them. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;

/** The bytes of one event: its lines, each ended by LF (or CRLF), and the blank line that dispatches it. */
function frame(sse: SseEvent, quirks: WireQuirks): string {
  const eol = quirks.crlf ? '\r\n' : '\n';
  const lines = [
    ...(quirks.comments ? [COMMENT] : []),
    ...(sse.event === undefined ? [] : [`event: ${sse.event}`]),
    `data: ${sse.data}`,
  ];
  return lines.map((line) => line + eol).join('') + eol;
}

/**
 * Where to cut an event's bytes for `splitWrites`: inside the first line, in the middle, after the lead byte of
 * the first multi-byte UTF-8 character (so a decoder must carry a partial character), and between the CR and LF
 * of the final blank line.
 */
function splitPoints(bytes: Buffer): number[] {
  const firstLineEnd = bytes.indexOf(0x0a);
  const points = [Math.floor((firstLineEnd === -1 ? bytes.length : firstLineEnd) / 2), Math.floor(bytes.length / 2)];
  const leadByte = bytes.findIndex((byte) => byte >= 0xc0);
  if (leadByte !== -1) {
    points.push(leadByte + 1);
  }
  if (bytes.length >= 2 && bytes[bytes.length - 2] === 0x0d) {
    points.push(bytes.length - 1);
  }
  return [...new Set(points)].filter((point) => point > 0 && point < bytes.length).sort((a, b) => a - b);
}

/** Writes events to a response with the scenario's quirks; stops quietly once the client is gone. */
export class SseWriter {
  private started = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly quirks: WireQuirks,
  ) {}

  /** False once the connection is gone (the client hung up or the fake destroyed it). */
  get open(): boolean {
    return !this.res.destroyed;
  }

  /** Writes one event; resolves when it has been handed to the socket (each piece, with `splitWrites`). */
  async send(sse: SseEvent): Promise<void> {
    if (!this.started && this.quirks.comments) {
      // Some gateways open with a bare comment block, which a parser must not mistake for an event.
      await this.write(Buffer.from(`${COMMENT}${this.quirks.crlf ? '\r\n\r\n' : '\n\n'}`));
    }
    this.started = true;
    const bytes = Buffer.from(frame(sse, this.quirks));
    if (!this.quirks.splitWrites) {
      await this.write(bytes);
      return;
    }
    let from = 0;
    for (const point of [...splitPoints(bytes), bytes.length]) {
      await this.write(bytes.subarray(from, point));
      from = point;
      if (point < bytes.length) {
        await sleep(SPLIT_GAP_MS);
      }
    }
  }

  /**
   * Writes one event without waiting for it to reach the socket; waits only while the socket's buffer is
   * full ('drain'), so a long burst neither queues unbounded memory nor pays one round trip per event.
   */
  async sendBuffered(sse: SseEvent): Promise<void> {
    if (!this.open) {
      return;
    }
    if (!this.started && this.quirks.comments) {
      this.res.write(`${COMMENT}${this.quirks.crlf ? '\r\n\r\n' : '\n\n'}`);
    }
    this.started = true;
    if (!this.res.write(frame(sse, this.quirks))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.on('drain', done);
        this.res.on('close', done);
      });
    }
  }

  private write(bytes: Buffer): Promise<void> {
    if (!this.open) {
      return Promise.resolve();
    }
    // The callback fires once the bytes reached the socket (or with an error when it died): either way, go on.
    return new Promise((resolve) => this.res.write(bytes, () => resolve()));
  }
}
