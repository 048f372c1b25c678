/**
 * The transcript in the DOM. Only the message that is streaming is re-rendered, at most once per
 * animation frame (less often when a render is slow, so a huge answer cannot starve the page), and only
 * its unfinished tail (see StreamingMarkdown); finished messages are never touched again. When an answer
 * finishes, what was streamed stays in place: only the server's different final text, or markdown that
 * cannot be rendered in parts, renders it whole again.
 */
import type { EntryError, HostAction, HostMessage, TranscriptEntry } from '../src/chat/webviewProtocol';
import { AutoScroll } from './autoScroll';
import { decorateCodeBlocks, iconButton, sendableCode } from './codeBlocks';
import { renderMarkdown } from './markdown';
import { StreamingMarkdown } from './streamingMarkdown';

type FinishMessage = Extract<HostMessage, { type: 'finish' }>;

export interface TranscriptActions {
  /** An error's button other than Retry; `id` is the answer it belongs to. */
  runAction(action: HostAction, id: string): void;
  copyMessage(id: string): void;
  /** Asks the last prompt again: the answer's Retry and a failed answer's Retry both come here. */
  retry(): void;
  copyCode(code: string): void;
  insertCode(code: string): void;
}

interface RenderedEntry {
  entry: TranscriptEntry;
  element: HTMLElement;
  body: HTMLElement;
  streaming?: StreamingMarkdown;
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
  /** No streaming render before this time (ms, performance.now()): a slow render earns a longer pause. */
  private nextRenderAt = 0;
  readonly scroll: AutoScroll;

  constructor(
    private readonly container: HTMLElement,
    private readonly actions: TranscriptActions,
    onFollowChange: (following: boolean) => void,
  ) {
    this.scroll = new AutoScroll(container, onFollowChange);
  }

  restore(entries: TranscriptEntry[]): void {
    this.cancelFrame();
    this.rendered.clear();
    this.container.replaceChildren();
    for (const entry of entries) {
      this.append(entry);
    }
    this.scroll.toEnd();
  }

  append(entry: TranscriptEntry): void {
    const element = document.createElement('article');
    element.className = `message ${entry.role}`;
    element.dataset['testid'] = `message-${entry.role}`;
    element.dataset['id'] = entry.id;
    const body = document.createElement('div');
    body.className = 'body';
    element.append(body, this.messageActions(entry));
    const rendered: RenderedEntry = { entry: { ...entry }, element, body };
    this.rendered.set(entry.id, rendered);
    this.renderBody(rendered);
    this.renderEnding(rendered);
    this.container.append(element);
    if (entry.role === 'user') {
      this.scroll.toEnd(); // sending a prompt means "show me the answer"
    } else {
      this.scroll.contentChanged();
    }
  }

  appendText(id: string, text: string): void {
    const rendered = this.rendered.get(id);
    if (!rendered) {
      return; // A delta for a message this view never had (it was rebuilt meanwhile): the restore has it.
    }
    rendered.entry.text += text;
    rendered.streaming?.append(text);
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
    const streamed = rendered.streaming;
    rendered.streaming = undefined;
    if (streamed && message.text === undefined && streamed.exact) {
      streamed.render(); // what was streamed stays; only its tail is rendered once more
    } else {
      this.renderBody(rendered);
    }
    this.renderEnding(rendered);
    this.scroll.contentChanged();
  }

  /** Removes entries; returns the texts of the removed prompts. */
  remove(ids: string[]): string[] {
    const prompts: string[] = [];
    for (const id of ids) {
      const rendered = this.rendered.get(id);
      if (rendered?.entry.role === 'user') {
        prompts.push(rendered.entry.text);
      }
      rendered?.element.remove();
      this.rendered.delete(id);
      this.dirty.delete(id);
    }
    return prompts;
  }

  private renderDirty(): void {
    this.frame = undefined;
    const now = performance.now();
    if (now < this.nextRenderAt) {
      this.frame = requestAnimationFrame(() => this.renderDirty());
      return;
    }
    for (const id of this.dirty) {
      const rendered = this.rendered.get(id);
      if (rendered) {
        this.renderBody(rendered);
      }
    }
    this.dirty.clear();
    // Scrolling reads the new height, so the layout is done here and counts as part of the render.
    this.scroll.contentChanged();
    // Rendering may take at most about a quarter of the time, whatever the answer's size.
    this.nextRenderAt = now + (performance.now() - now) * 3;
  }

  private renderBody(rendered: RenderedEntry): void {
    const { entry, body } = rendered;
    if (entry.role === 'user') {
      body.textContent = entry.text; // the user's own words, shown as typed
    } else if (entry.state === 'streaming') {
      rendered.streaming ??= new StreamingMarkdown(body, (root) => this.decorate(root), entry.text);
      rendered.streaming.render();
    } else {
      rendered.streaming = undefined;
      body.innerHTML = renderMarkdown(entry.text);
      this.decorate(body);
    }
  }

  private decorate(root: HTMLElement): void {
    decorateCodeBlocks(root, {
      copy: (code) => sendableCode(code) && this.actions.copyCode(code),
      insert: (code) => sendableCode(code) && this.actions.insertCode(code),
    });
  }

  /** Copy for every message; Retry for answers (the stylesheet shows it on the last one only). */
  private messageActions(entry: TranscriptEntry): HTMLElement {
    const bar = document.createElement('div');
    bar.className = 'message-actions';
    bar.append(iconButton('copy', 'Copy Message', 'copy-message', () => this.actions.copyMessage(entry.id)));
    if (entry.role === 'assistant') {
      const retry = iconButton('refresh', 'Retry', 'retry', () => this.actions.retry());
      retry.classList.add('retry');
      bar.append(retry);
    }
    return bar;
  }

  /** The state attribute and, for a stopped or failed answer, the notice under it. */
  private renderEnding({ entry, element }: RenderedEntry): void {
    element.querySelector('.ending')?.remove();
    element.querySelector('.note')?.remove();
    const actions = element.querySelector('.message-actions');
    if (entry.note) {
      const note = document.createElement('div');
      note.className = 'note';
      note.dataset['testid'] = 'note';
      note.textContent = entry.note;
      element.insertBefore(note, actions);
    }
    if (entry.state === 'stopped') {
      element.insertBefore(notice('stopped', 'Stopped.'), actions);
    } else if (entry.state === 'error' && entry.error) {
      if (entry.error.interrupted) {
        element.dataset['interrupted'] = 'true';
      }
      element.insertBefore(
        errorNotice(entry.error, (action) => (action === 'retry' ? this.actions.retry() : this.actions.runAction(action, entry.id))),
        actions,
      );
    }
    element.dataset['state'] = entry.state;
  }

  private cancelFrame(): void {
    if (this.frame !== undefined) {
      cancelAnimationFrame(this.frame);
      this.frame = undefined;
    }
    this.dirty.clear();
  }
}

/** What a failed answer shows: the message for its `kind` (made on the host) and its action, if any. */
function errorNotice(error: EntryError, runAction: (action: NonNullable<EntryError['action']>) => void): HTMLElement {
  const element = notice('error', failureText(error));
  element.setAttribute('role', 'alert');
  element.dataset['kind'] = error.kind;
  const action = error.action;
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.dataset['testid'] = 'error-action';
    button.dataset['action'] = action;
    button.textContent = actionLabels[action];
    button.addEventListener('click', () => runAction(action));
    element.append(' ', button);
  }
  return element;
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
