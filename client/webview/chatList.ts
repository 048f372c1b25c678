/** The list of past chats under the header: open one, or delete it. Titles are set as text, never HTML. */
import type { ChatSummary } from '../src/chat/webviewProtocol';
import { iconButton } from './codeBlocks';

export interface ChatListActions {
  open(id: string): void;
  remove(id: string): void;
}

export class ChatList {
  constructor(
    private readonly element: HTMLElement,
    private readonly actions: ChatListActions,
  ) {}

  show(chats: ChatSummary[], activeId: string): void {
    const rows = chats.map((chat) => {
      const row = document.createElement('div');
      row.className = chat.id === activeId ? 'chat-row active' : 'chat-row';
      row.dataset['testid'] = 'chat-row';
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'chat-open';
      open.dataset['testid'] = 'chat-open';
      open.textContent = chat.title;
      open.title = `${chat.title} (${new Date(chat.updatedAt).toLocaleString()})`;
      if (chat.id === activeId) {
        open.setAttribute('aria-current', 'true');
      }
      open.addEventListener('click', () => this.actions.open(chat.id));
      row.append(open, iconButton('trash', 'Delete Chat', 'chat-delete', () => this.actions.remove(chat.id)));
      return row;
    });
    this.element.replaceChildren(...rows);
  }

  toggle(button: HTMLElement): void {
    this.element.hidden = !this.element.hidden;
    button.setAttribute('aria-expanded', String(!this.element.hidden));
  }

  hide(button: HTMLElement): void {
    this.element.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  }
}
