/**
 * The transcript in the DOM. Only the message that is streaming is re-rendered, at most once per
 * animation frame; finished messages are never touched again, so a long chat does not flicker or slow.
 */
import type { EntryError, HostMessage, TranscriptEntry } from '../src/chat/webviewProtocol';
import { renderMarkdown } from './markdown';

type FinishMessage = Extract<HostMessage, { type: 'finish' }>;

interface RenderedEntry {
  entry: TranscriptEntry;
  element: HTMLElement;
  body: HTMLElement;
}

const actionLabels = {
  setApiKey: 'Set API Key',
  showServerOutput: 'Show Server Output',
  openBilling: 'Open Billing Page',
  retry: 'Retry',
} as const;

export class Transcript {
  private readonly rendered = new Map<string, RenderedEntry>();
  private readonly dirty = new Set<string>();
  private frame: number | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly onAction: (action: NonNullable<EntryError['action']>, id: string) => void,
  ) {}

  restore(entries: TranscriptEntry[]): void {
    this.cancelFrame();
    this.rendered.clear();
    this.container.replaceChildren();
    for (const entry of entries) {
      this.append(entry);
    }
  }

  append(entry: TranscriptEntry): void {
    const element = document.createElement('article');
    element.className = `message ${entry.role}`;
    element.dataset['testid'] = `message-${entry.role}`;
    element.dataset['id'] = entry.id;
    const body = document.createElement('div');
    body.className = 'body';
    element.append(body);
    const rendered: RenderedEntry = { entry: { ...entry }, element, body };
    this.rendered.set(entry.id, rendered);
    this.renderBody(rendered);
    this.renderEnding(rendered);
    this.container.append(element);
    this.scrollToEnd();
  }

  appendText(id: string, text: string): void {
    const rendered = this.rendered.get(id);
    if (!rendered) {
      return; // A delta for a message this view never had (it was rebuilt meanwhile): the restore has it.
    }
    rendered.entry.text += text;
    this.dirty.add(id);
    this.frame ??= requestAnimationFrame(() => this.renderDirty());
  }

  /** The rendered answer `id`, for notices that live under it (the retry countdown). */
  elementOf(id: string): HTMLElement | undefined {
    return this.rendered.get(id)?.element;
  }

  finish(message: FinishMessage): void {
    const rendered = this.rendered.get(message.id);
    if (!rendered) {
      return;
    }
    if (message.text !== undefined) {
      rendered.entry.text = message.text;
    }
    rendered.entry.state = message.state;
    if (message.error) {
      rendered.entry.error = message.error;
    }
    if (message.note) {
      rendered.entry.note = message.note;
    }
    // Render now, before the state changes, so whoever waits for data-state="done" sees the final text.
    this.dirty.delete(message.id);
    this.renderBody(rendered);
    this.renderEnding(rendered);
  }

  private renderDirty(): void {
    this.frame = undefined;
    for (const id of this.dirty) {
      const rendered = this.rendered.get(id);
      if (rendered) {
        this.renderBody(rendered);
      }
    }
    this.dirty.clear();
  }

  private renderBody({ entry, body }: RenderedEntry): void {
    const stickToEnd = this.isAtEnd();
    if (entry.role === 'user') {
      body.textContent = entry.text; // the user's own words, shown as typed
    } else {
      body.innerHTML = renderMarkdown(entry.text);
    }
    if (stickToEnd) {
      this.scrollToEnd();
    }
  }

  /** The state attribute and, for a stopped or failed answer, the notice under it. */
  private renderEnding({ entry, element }: RenderedEntry): void {
    element.querySelector('.ending')?.remove();
    element.querySelector('.note')?.remove();
    if (entry.note) {
      const note = document.createElement('div');
      note.className = 'note';
      note.dataset['testid'] = 'note';
      note.textContent = entry.note;
      element.append(note);
    }
    if (entry.state === 'stopped') {
      element.append(notice('stopped', 'Stopped.'));
    } else if (entry.state === 'error' && entry.error) {
      const error = notice('error', failureText(entry.error));
      error.setAttribute('role', 'alert');
      error.dataset['kind'] = entry.error.kind;
      if (entry.error.interrupted) {
        element.dataset['interrupted'] = 'true';
      }
      const action = entry.error.action;
      if (action) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'secondary';
        button.dataset['testid'] = 'error-action';
        button.textContent = actionLabels[action];
        button.addEventListener('click', () => this.onAction(action, entry.id));
        error.append(' ', button);
      }
      element.append(error);
    }
    element.dataset['state'] = entry.state;
  }

  private isAtEnd(): boolean {
    const { scrollHeight, scrollTop, clientHeight } = this.container;
    return scrollHeight - scrollTop - clientHeight < 40;
  }

  private scrollToEnd(): void {
    this.container.scrollTop = this.container.scrollHeight;
  }

  private cancelFrame(): void {
    if (this.frame !== undefined) {
      cancelAnimationFrame(this.frame);
      this.frame = undefined;
    }
    this.dirty.clear();
  }
}

/** The server's sentence, prefixed for an interrupted answer and followed by when a long wait ends. */
function failureText(error: EntryError): string {
  const parts = [error.interrupted ? `The answer was interrupted. ${error.message}` : error.message];
  if (error.retryAt !== undefined) {
    const until = new Date(error.retryAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    parts.push(`Rate limited until ${until}.`);
  }
  return parts.join(' ');
}

function notice(testId: string, text: string): HTMLElement {
  const element = document.createElement('div');
  element.className = `ending ${testId}`;
  element.dataset['testid'] = testId;
  element.textContent = text;
  return element;
}
