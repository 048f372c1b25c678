/**
 * The chat transcript, kept by the extension host so the view can be hidden and reshown (its webview is
 * then rebuilt) without `retainContextWhenHidden`. Pure: no `vscode` import.
 */
import type { ChatMessage } from '../../../server/src/protocol';
import type { EntryError, EntryState, TranscriptEntry } from './webviewProtocol';

export class Conversation {
  private readonly entries: TranscriptEntry[];
  private nextId = 1;

  /** `entries`: a transcript kept from before (history); it is copied, and ids continue after its own. */
  constructor(entries: readonly TranscriptEntry[] = []) {
    this.entries = entries.map((entry) => ({ ...entry }));
    for (const entry of this.entries) {
      const number = Number(/^m(\d+)$/.exec(entry.id)?.[1] ?? 0);
      this.nextId = Math.max(this.nextId, number + 1);
    }
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** A copy of the transcript, for a view that is being restored. */
  snapshot(): TranscriptEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  /** Adds the user's prompt and an empty streaming answer; returns both. */
  addExchange(prompt: string): { prompt: TranscriptEntry; answer: TranscriptEntry } {
    const promptEntry: TranscriptEntry = { id: this.newId(), role: 'user', text: prompt, state: 'done' };
    const answer: TranscriptEntry = { id: this.newId(), role: 'assistant', text: '', state: 'streaming' };
    this.entries.push(promptEntry, answer);
    return { prompt: { ...promptEntry }, answer: { ...answer } };
  }

  appendText(id: string, text: string): void {
    const entry = this.find(id);
    if (entry) {
      entry.text += text;
    }
  }

  /** Ends a streaming answer. `finalText`, when given, replaces what was streamed. */
  finish(id: string, state: Exclude<EntryState, 'streaming'>, error?: EntryError, finalText?: string): void {
    const entry = this.find(id);
    if (!entry) {
      return;
    }
    entry.state = state;
    if (error) {
      entry.error = error;
    }
    if (finalText !== undefined) {
      entry.text = finalText;
    }
  }

  /**
   * Takes the last exchange (prompt and answer) out of the transcript, for Retry; returns the prompt and
   * the removed ids, or undefined when the transcript does not end with an exchange.
   */
  removeLastExchange(): { prompt: string; ids: string[] } | undefined {
    const answer = this.entries.at(-1);
    const prompt = this.entries.at(-2);
    if (answer?.role !== 'assistant' || prompt?.role !== 'user') {
      return undefined;
    }
    this.entries.splice(-2, 2);
    return { prompt: prompt.text, ids: [prompt.id, answer.id] };
  }

  setNote(id: string, note: string): void {
    const entry = this.find(id);
    if (entry) {
      entry.note = note;
    }
  }

  textOf(id: string): string {
    return this.find(id)?.text ?? '';
  }

  /**
   * The messages to send with a new prompt: every earlier exchange whose answer the user saw (finished,
   * or stopped after some text), then the prompt. Failed and empty answers are left out, so the provider
   * always gets alternating user/assistant turns.
   */
  historyFor(promptId: string): ChatMessage[] {
    const messages: ChatMessage[] = [];
    for (let index = 0; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (!entry || entry.role !== 'user') {
        continue;
      }
      if (entry.id === promptId) {
        messages.push({ role: 'user', content: entry.text });
        break;
      }
      const answer = this.entries[index + 1];
      const answered =
        answer?.role === 'assistant' &&
        answer.text !== '' &&
        (answer.state === 'done' || answer.state === 'stopped');
      if (answer && answered) {
        messages.push({ role: 'user', content: entry.text }, { role: 'assistant', content: answer.text });
      }
    }
    return messages;
  }

  private find(id: string): TranscriptEntry | undefined {
    return this.entries.find((entry) => entry.id === id);
  }

  private newId(): string {
    return `m${this.nextId++}`;
  }
}
