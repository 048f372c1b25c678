/**
 * The chat view's browser code. It holds no state the host cannot rebuild: on load it asks for the
 * transcript (`ready`), then applies the host's messages. It talks to the host only through the typed
 * messages of webviewProtocol.ts.
 */
import '@vscode/codicons/dist/codicon.css';
import './chat.css';
import { maxPromptLength } from '../src/chat/limits';
import type { HostMessage, ViewStatus, WebviewMessage } from '../src/chat/webviewProtocol';
import { ChatList } from './chatList';
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
    <select data-testid="provider-select" aria-label="Provider" title="Provider (tollgate.provider)">
      <option value="anthropic">Anthropic</option>
      <option value="openai">OpenAI</option>
    </select>
    <button type="button" data-testid="model" class="model-button" title="Model (tollgate.model): click to change"></button>
    <span class="spacer"></span>
    <span data-testid="provider-model" class="provider-model" hidden></span>
    <button type="button" class="icon-button" data-testid="new-chat" title="New Chat" aria-label="New Chat"><span class="codicon codicon-add" aria-hidden="true"></span></button>
    <button type="button" class="icon-button" data-testid="history" title="Past Chats" aria-label="Past Chats" aria-expanded="false"><span class="codicon codicon-history" aria-hidden="true"></span></button>
  </header>
  <nav data-testid="chat-list" class="chat-list" aria-label="Past chats" hidden></nav>
  <div data-testid="offline-demo" class="offline-demo" role="status" hidden></div>
  <div data-testid="key-missing" class="key-missing" role="status" hidden>
    <span class="codicon codicon-key" aria-hidden="true"></span>
    <span data-testid="key-missing-text"></span>
    <button type="button" data-testid="key-missing-action">Set API Key</button>
  </div>
  <main data-testid="transcript" class="transcript" role="log" aria-live="polite" aria-label="Conversation" tabindex="0"></main>
  <button type="button" class="icon-button to-end" data-testid="scroll-to-end" title="Scroll to the End" aria-label="Scroll to the end" hidden><span class="codicon codicon-arrow-down" aria-hidden="true"></span></button>
  <form class="composer" data-testid="composer">
    <textarea data-testid="prompt" rows="3" aria-label="Prompt"
      placeholder="Ask a question (Enter sends, Shift+Enter adds a line)"></textarea>
    <div class="buttons">
      <button type="button" data-testid="stop" class="secondary" disabled><span class="codicon codicon-debug-stop" aria-hidden="true"></span> Stop</button>
      <button type="submit" data-testid="send" disabled><span class="codicon codicon-send" aria-hidden="true"></span> Send</button>
    </div>
  </form>`;

const providerModel = required<HTMLElement>('[data-testid="provider-model"]');
const providerSelect = required<HTMLSelectElement>('[data-testid="provider-select"]');
const modelButton = required<HTMLButtonElement>('[data-testid="model"]');
const offlineDemo = required<HTMLElement>('[data-testid="offline-demo"]');
const keyMissing = required<HTMLElement>('[data-testid="key-missing"]');
const keyMissingText = required<HTMLElement>('[data-testid="key-missing-text"]');
const form = required<HTMLFormElement>('[data-testid="composer"]');
const prompt = required<HTMLTextAreaElement>('[data-testid="prompt"]');
const send = required<HTMLButtonElement>('[data-testid="send"]');
const stop = required<HTMLButtonElement>('[data-testid="stop"]');
const toEnd = required<HTMLButtonElement>('[data-testid="scroll-to-end"]');
const historyButton = required<HTMLButtonElement>('[data-testid="history"]');
prompt.maxLength = maxPromptLength;
const transcript = new Transcript(
  required<HTMLElement>('[data-testid="transcript"]'),
  {
    runAction: (action, id) => host.postMessage({ type: 'runAction', action, id }),
    copyMessage: (id) => host.postMessage({ type: 'copyMessage', id }),
    retry: () => host.postMessage({ type: 'retry' }),
    copyCode: (text) => host.postMessage({ type: 'copyCode', text }),
    insertCode: (text) => host.postMessage({ type: 'insertCode', text }),
  },
  (following) => (toEnd.hidden = following),
);
const chatList = new ChatList(required<HTMLElement>('[data-testid="chat-list"]'), {
  open: (id) => host.postMessage({ type: 'switchChat', id }),
  remove: (id) => host.postMessage({ type: 'deleteChat', id }),
});
// Cancel is Stop: the server ends its wait at once and the answer ends as stopped.
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
  const providerName = providerNames[status.provider] ?? status.provider;
  providerModel.textContent = `${providerName} · ${status.model}`;
  providerSelect.value = status.provider;
  modelButton.textContent = status.model;
  offlineDemo.hidden = status.offlineDemoLabel === undefined;
  offlineDemo.textContent = status.offlineDemoLabel ?? '';
  keyMissing.hidden = status.keyMissing !== true;
  keyMissingText.textContent = `Tollgate needs your ${providerName} API key before it can answer. It is kept in VS Code's secret storage.`;
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
toEnd.addEventListener('click', () => transcript.scroll.toEnd());
providerSelect.addEventListener('change', () => {
  const provider = providerSelect.value;
  if (provider === 'anthropic' || provider === 'openai') {
    host.postMessage({ type: 'setProvider', provider });
  }
});
modelButton.addEventListener('click', () => host.postMessage({ type: 'pickModel' }));
required<HTMLButtonElement>('[data-testid="new-chat"]').addEventListener('click', () => {
  chatList.hide(historyButton);
  host.postMessage({ type: 'newChat' });
});
historyButton.addEventListener('click', () => chatList.toggle(historyButton));
required<HTMLButtonElement>('[data-testid="key-missing-action"]').addEventListener('click', () =>
  host.postMessage({ type: 'runAction', action: 'setApiKey' }),
);

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'restore':
      countdown.clear();
      transcript.restore(message.entries);
      showStatus(message.status);
      chatList.hide(historyButton);
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
    case 'remove':
      // A retried prompt is asked again; the copy a failure put back into the input box is not needed.
      if (transcript.remove(message.ids).includes(prompt.value)) {
        prompt.value = '';
        updateButtons();
      }
      break;
    case 'chats':
      chatList.show(message.chats, message.activeId);
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
        updateButtons();
      }
      break;
    case 'prefillPrompt':
      prompt.value = prompt.value.trim() === '' ? message.text : `${message.text}${prompt.value}`;
      updateButtons();
      prompt.focus();
      prompt.setSelectionRange(prompt.value.length, prompt.value.length);
      break;
  }
});

host.postMessage({ type: 'ready' });
prompt.focus();
