/**
 * Forwards streamed text to the client as LSP partial results. Pieces that arrive within one turn of
 * the event loop (an SDK often yields several at once) go out as one `{ text }`, so a fast stream does
 * not become one notification per token; nothing waits longer than that turn. `flush()` sends what is
 * pending at once: call it before resolving or rejecting, so every delta precedes the response.
 */
import type { ChatDelta } from './protocol';

export class DeltaStream {
  private pending = '';
  private scheduled: NodeJS.Immediate | undefined;
  private sent = '';

  constructor(private readonly report: (delta: ChatDelta) => void) {}

  push(text: string): void {
    if (text === '') {
      return;
    }
    this.pending += text;
    this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.pending !== '') {
      const text = this.pending;
      this.pending = '';
      this.sent += text;
      this.report({ text });
    }
  }

  /** Everything pushed so far: the answer's text, which is exactly what the client has received. */
  get text(): string {
    return this.sent + this.pending;
  }
}
