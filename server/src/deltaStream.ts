/**
 * Forwards streamed text to the client as LSP partial results. The first piece after a quiet spell goes
 * out at once — it is what the user waits for, and an SDK often yields it together with the rest of its
 * read, so waiting for the end of the turn would hold it behind all of them (and behind whatever else
 * the server does in that turn). Pieces that follow within the same turn of the event loop go out
 * together as one `{ text }` when the turn ends, and so on each turn while text keeps coming, so a fast
 * stream does not become one notification per token; nothing waits longer than that turn. `flush()`
 * sends what is pending at once: call it before resolving or rejecting, so every delta precedes the
 * response.
 */
import type { ChatDelta } from './protocol';

export class DeltaStream {
  private pending = '';
  /** Set while a turn is open: pieces pushed now wait for its end. */
  private turn: NodeJS.Immediate | undefined;
  private sent = '';

  constructor(private readonly report: (delta: ChatDelta) => void) {}

  push(text: string): void {
    if (text === '') {
      return;
    }
    this.pending += text;
    if (this.turn === undefined) {
      this.send();
      this.turn = setImmediate(() => this.endTurn());
    }
  }

  flush(): void {
    if (this.turn) {
      clearImmediate(this.turn);
      this.turn = undefined;
    }
    this.send();
  }

  /** Everything pushed so far: the answer's text, which is exactly what the client has received. */
  get text(): string {
    return this.sent + this.pending;
  }

  /** Sends what the turn gathered; while text keeps coming, the next turn gathers the next batch. */
  private endTurn(): void {
    this.turn = undefined;
    if (this.pending !== '') {
      this.send();
      this.turn = setImmediate(() => this.endTurn());
    }
  }

  private send(): void {
    if (this.pending !== '') {
      const text = this.pending;
      this.pending = '';
      this.sent += text;
      this.report({ text });
    }
  }
}
