/**
 * The live countdown under an answer while the server waits to retry it (`tollgate/retryScheduled`),
 * with Cancel (which is Stop: the server ends the wait at once). One at a time: only one request runs.
 * It goes away when text arrives or the answer finishes.
 */
import type { HostMessage } from '../src/chat/webviewProtocol';

type RetryMessage = Extract<HostMessage, { type: 'retryScheduled' }>;

/** What failed, as the start of a sentence. */
const reasons: Partial<Record<RetryMessage['kind'], string>> = {
  rateLimited: 'The provider is rate-limiting requests',
  overloaded: 'The provider is overloaded',
  server: 'The provider failed on its side',
  timeout: 'The provider did not answer in time',
  network: 'The connection to the provider failed',
};

export class RetryCountdown {
  private element: HTMLElement | undefined;
  private timer: number | undefined;

  constructor(private readonly onCancel: () => void) {}

  /** Shows the countdown at the end of `answer`, replacing any earlier one. */
  show(answer: HTMLElement, message: RetryMessage): void {
    this.clear();
    const until = Date.now() + message.delayMs;
    const element = document.createElement('div');
    element.className = 'ending retrying';
    element.dataset['testid'] = 'retry-countdown';
    element.setAttribute('role', 'status');
    const text = document.createElement('span');
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'secondary';
    cancel.dataset['testid'] = 'retry-cancel';
    cancel.textContent = 'Cancel';
    cancel.addEventListener('click', () => {
      this.clear();
      this.onCancel();
    });
    element.append(text, ' ', cancel);
    // Where a stopped or failed answer's notice goes: under the text, above the message's buttons.
    answer.insertBefore(element, answer.querySelector(':scope > .message-actions'));
    this.element = element;

    const reason = reasons[message.kind] ?? 'The request failed';
    const next = `attempt ${message.attempt + 1} of ${message.maxAttempts}`;
    const render = () => {
      const seconds = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      text.textContent = `${reason}. Retrying in ${seconds} s (${next}).`;
      element.dataset['seconds'] = String(seconds);
    };
    render();
    this.timer = window.setInterval(render, 250);
  }

  clear(): void {
    if (this.timer !== undefined) {
      window.clearInterval(this.timer);
      this.timer = undefined;
    }
    this.element?.remove();
    this.element = undefined;
  }
}
