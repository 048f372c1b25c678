/**
 * Coalesces streamed text so the webview gets at most one message per frame, never one per token: a
 * post costs a structured clone and a re-render, and a fast model sends hundreds of deltas a second.
 * Pure: no `vscode` import, the clock is injected.
 */
import type { ChatPartialResult } from '../../../server/src/protocol';

/** ~60 frames a second; within the 16–33 ms a frame takes. */
export const frameIntervalMs = 16;

export interface FrameScheduler {
  /** Calls `callback` once, about a frame from now; `cancel` prevents the call. */
  schedule(callback: () => void): { cancel(): void };
}

export const timerScheduler: FrameScheduler = {
  schedule(callback) {
    const handle = setTimeout(callback, frameIntervalMs);
    return { cancel: () => clearTimeout(handle) };
  },
};

export class DeltaCoalescer {
  private pending = '';
  private scheduled: { cancel(): void } | undefined;

  /** `post` receives the exact concatenation of everything pushed since the last post. */
  constructor(
    private readonly post: (text: string) => void,
    private readonly scheduler: FrameScheduler = timerScheduler,
  ) {}

  push(text: string): void {
    if (text === '') {
      return;
    }
    this.pending += text;
    this.scheduled ??= this.scheduler.schedule(() => {
      this.scheduled = undefined;
      this.flush();
    });
  }

  /** Posts what is pending now (at the end of a stream, before a restore). */
  flush(): void {
    this.scheduled?.cancel();
    this.scheduled = undefined;
    if (this.pending === '') {
      return;
    }
    const text = this.pending;
    this.pending = '';
    this.post(text);
  }
}

/**
 * The text of one LSP partial result: `{ text }` or an array of them. Malformed items carry no text
 * (the server is trusted, but a bad item must not break the stream).
 */
export function textOfPartialResult(partial: ChatPartialResult): string {
  // Typed as the protocol says, read as unknown: a malformed item is skipped, not trusted.
  const items: unknown[] = Array.isArray(partial) ? partial : [partial];
  let text = '';
  for (const item of items) {
    if (typeof item === 'object' && item !== null && typeof (item as { text?: unknown }).text === 'string') {
      text += (item as { text: string }).text;
    }
  }
  return text;
}
