/**
 * The chat view's browser code. It holds no state the host cannot rebuild: on load it asks for the
 * transcript (`ready`), then applies the host's messages. It talks to the host only through the typed
 * messages of webviewProtocol.ts.
 */
import './chat.css';
import { maxPromptLength } from '../src/chat/limits';
import type { HostMessage, ViewStatus, WebviewMessage } from '../src/chat/webviewProtocol';
import { RetryCountdown } from './retryCountdown';
import { Transcript } from './transcript';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const host = acquireVsCodeApi();
const providerNames: Record<string, string> = { anthropic: 'Anthropic', openai: 'OpenAI' };

const app = document.getElementById('app') ?? document.body;
app.innerHTML = `
  <header class="status">
    <span data-testid="provider-model" class="provider-model"></span>
  </header>
  <div data-testid="offline-demo" class="offline-demo" role="status" hidden></div>
  <main data-testid="transcript" class="transcript" role="log" aria-live="polite" aria-label="Conversation"></main>
  <form class="composer" data-testid="composer">
    <textarea data-testid="prompt" rows="3" aria-label="Prompt"
      placeholder="Ask a question (Enter sends, Shift+Enter adds a line)"></textarea>
    <div class="buttons">
      <button type="button" data-testid="stop" class="secondary" disabled>Stop</button>
      <button type="submit" data-testid="send" disabled>Send</button>
    </div>
  </form>`;

const providerModel = required<HTMLElement>('[data-testid="provider-model"]');
const offlineDemo = required<HTMLElement>('[data-testid="offline-demo"]');
const form = required<HTMLFormElement>('[data-testid="composer"]');
const prompt = required<HTMLTextAreaElement>('[data-testid="prompt"]');
const send = required<HTMLButtonElement>('[data-testid="send"]');
const stop = required<HTMLButtonElement>('[data-testid="stop"]');
prompt.maxLength = maxPromptLength;
/** The prompt the host last gave back after a failure; Retry sends it, so the box need not keep it. */
let restoredPrompt: string | undefined;
const transcript = new Transcript(required<HTMLElement>('[data-testid="transcript"]'), (action, id) => {
  if (action === 'retry' && prompt.value === restoredPrompt) {
    prompt.value = '';
    updateButtons();
  }
  host.postMessage({ type: 'runAction', action, id });
});
const countdown = new RetryCountdown(() => host.postMessage({ type: 'stop' }));
let busy = false;

function required<T extends Element>(selector: string): T {
  const element = app.querySelector<T>(selector);
  if (!element) {
    throw new Error(`The chat view is missing ${selector}.`);
  }
  return element;
}

function updateButtons(): void {
  send.disabled = busy || prompt.value.trim() === '';
  stop.disabled = !busy;
  document.body.dataset['busy'] = String(busy);
}

function showStatus(status: ViewStatus): void {
  providerModel.textContent = `${providerNames[status.provider] ?? status.provider} · ${status.model}`;
  offlineDemo.hidden = status.offlineDemoLabel === undefined;
  offlineDemo.textContent = status.offlineDemoLabel ?? '';
  busy = status.busy;
  updateButtons();
}

function submit(): void {
  const text = prompt.value;
  if (busy || text.trim() === '') {
    return;
  }
  host.postMessage({ type: 'send', text });
  prompt.value = '';
  // Busy until the host says otherwise, so a second Enter cannot send twice.
  busy = true;
  updateButtons();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  submit();
});
prompt.addEventListener('keydown', (event) => {
  // Enter sends; Shift+Enter is a new line; Enter while an IME composes a character is part of composing.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});
prompt.addEventListener('input', updateButtons);
stop.addEventListener('click', () => host.postMessage({ type: 'stop' }));

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'restore':
      transcript.restore(message.entries);
      showStatus(message.status);
      break;
    case 'status':
      showStatus(message.status);
      break;
    case 'append':
      transcript.append(message.entry);
      break;
    case 'delta':
      countdown.clear();
      transcript.appendText(message.id, message.text);
      break;
    case 'finish':
      countdown.clear();
      transcript.finish(message);
      break;
    case 'retryScheduled': {
      const answer = transcript.elementOf(message.id);
      if (answer) {
        countdown.show(answer, message);
      }
      break;
    }
    case 'restorePrompt':
      if (prompt.value.trim() === '') {
        prompt.value = message.text;
        restoredPrompt = message.text;
        updateButtons();
      }
      break;
  }
});

host.postMessage({ type: 'ready' });
prompt.focus();
