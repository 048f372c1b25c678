/**
 * Puts a toolbar on every rendered code block: the language, Copy and Insert at cursor. The buttons are
 * made here, after sanitising, with listeners bound to this block: nothing in model output can make one.
 */
import { maxCodeLength } from '../src/chat/limits';

export interface CodeActions {
  copy(code: string): void;
  insert(code: string): void;
}

export function decorateCodeBlocks(root: HTMLElement, actions: CodeActions): void {
  for (const code of root.querySelectorAll<HTMLElement>('pre > code')) {
    const pre = code.parentElement;
    if (!pre || pre.parentElement?.classList.contains('code-block')) {
      continue;
    }
    const block = document.createElement('div');
    block.className = 'code-block';
    block.dataset['testid'] = 'code-block';
    const toolbar = document.createElement('div');
    toolbar.className = 'code-toolbar';
    const language = /\blanguage-([\w+#.-]+)/.exec(code.className)?.[1] ?? '';
    const label = document.createElement('span');
    label.className = 'code-language';
    label.textContent = language;
    const text = () => code.textContent ?? '';
    toolbar.append(
      label,
      iconButton('copy', 'Copy', 'code-copy', () => actions.copy(text())),
      iconButton('insert', 'Insert at Cursor', 'code-insert', () => actions.insert(text())),
    );
    pre.replaceWith(block);
    block.append(toolbar, pre);
  }
}

/** A codicon button with an accessible name; disabled for code too large to send to the host. */
export function iconButton(icon: string, label: string, testId: string, onClick: () => void): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'icon-button';
  button.title = label;
  button.setAttribute('aria-label', label);
  button.dataset['testid'] = testId;
  const glyph = document.createElement('span');
  glyph.className = `codicon codicon-${icon}`;
  glyph.setAttribute('aria-hidden', 'true');
  button.append(glyph);
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    onClick();
  });
  return button;
}

export function sendableCode(code: string): boolean {
  return code.length > 0 && code.length <= maxCodeLength;
}
