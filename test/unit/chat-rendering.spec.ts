// Pure pieces of the chat's rendering: where a streaming answer may be cut so only its tail re-renders
// (and the parts render exactly as the whole), and the prompt Ask About Selection builds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectionPrompt } from '../../client/src/chat/selectionPrompt';
import { BlockCutter } from '../../client/webview/blockCutter';
import { createMarkdown } from '../../client/webview/markdownParser';

const markdown = createMarkdown();

/** Streams `text` in pieces of the given sizes the way StreamingMarkdown does; returns the kept parts. */
function streamInParts(text: string, sizes: number[]): { parts: string[]; cutter: BlockCutter } {
  const cutter = new BlockCutter();
  const parts: string[] = [];
  let pending = '';
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    pending += text.slice(at, at + size);
    at += size;
    const cut = cutter.lastCut(pending);
    if (cut > 0) {
      parts.push(pending.slice(0, cut));
      pending = pending.slice(cut);
      cutter.drop(cut);
    }
  }
  parts.push(pending);
  return { parts, cutter };
}

test('a streaming answer is cut before a new block after a blank line, never inside a code fence', () => {
  const cutter = new BlockCutter();
  let text = 'First paragraph.\n\n';
  assert.equal(cutter.lastCut(text), 0, 'what follows the blank line is not known yet');
  text += '```ts\nconst a = 1;\n\nconst b = 2;\n';
  const beforeFence = text.indexOf('```');
  assert.equal(cutter.lastCut(text), beforeFence, 'a blank line inside the fence is not a cut');
  text += '```\n\nAfter.\n';
  assert.equal(cutter.lastCut(text), text.indexOf('After.'));
});

test('no cut where the next block could belong to the one before: a list item, an indented line', () => {
  for (const text of ['- a\n\n- b\n', '1. a\n\n2. b\n', '- a\n\n  more of a\n', '    code\n\n    more code\n', 'a\n\n\tb\n']) {
    assert.equal(new BlockCutter().lastCut(text), 0, JSON.stringify(text));
  }
  const text = '- a\n- b\n\nAfter the list.\n';
  assert.equal(new BlockCutter().lastCut(text), text.indexOf('After'));
});

test('a fence closes only with the same marker, at least as long, alone on its line', () => {
  const cutter = new BlockCutter();
  const text = '````md\n```\n\n~~~\n\n```` not a close\n\n````\n\nend\n';
  assert.equal(cutter.lastCut(text), text.indexOf('end'));
  const inside = new BlockCutter();
  const open = '````md\n```\n\n~~~\n\n```` not a close\n\nstill code\n';
  assert.equal(inside.lastCut(open), 0);
});

test('after the kept text is dropped, cuts count from the rest', () => {
  const cutter = new BlockCutter();
  let pending = 'One.\n\nTwo.\n';
  const cut = cutter.lastCut(pending);
  assert.equal(cut, pending.indexOf('Two.'));
  pending = pending.slice(cut);
  cutter.drop(cut);
  assert.equal(cutter.lastCut(pending), 0);
  pending += '\nThree.\n';
  assert.equal(cutter.lastCut(pending), pending.indexOf('Three.'));
});

const documents = {
  prose: Array.from({ length: 40 }, (_, i) => `Paragraph ${i} with *emphasis*, \`code\` and https://example.com/${i}.\n\n`).join(''),
  lists: '- tight\n- list\n\nText.\n\n- loose\n\n- list\n\n  with more\n\n1. one\n2. two\n\n3) three\n\nEnd.\n',
  nested: '- a\n  - b\n\n    c\n- d\n\n> quote\n>\n> more\n\n> another quote\n\nText\n\n    indented code\n\n    still code\n\nafter\n',
  code: 'Here:\n\n```ts\nconst a = 1;\n\n\nconst b = 2;\n```\n\n~~~\nx\n\n~~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n# Heading\n\nSetext\n===\n\n---\n\n* * *\n\nlast',
};

test('a streamed answer rendered in its kept parts is exactly the whole answer rendered', () => {
  for (const [name, text] of Object.entries(documents)) {
    for (const sizes of [[1], [3, 7, 2], [50], [text.length]]) {
      const { parts, cutter } = streamInParts(text, sizes);
      assert.equal(parts.join(''), text, `${name}: no text lost or doubled`);
      assert.equal(cutter.hasReferenceDefinitions, false);
      assert.equal(parts.map((part) => markdown.render(part)).join(''), markdown.render(text), `${name} in pieces of ${sizes.join(',')}`);
    }
  }
  assert.ok(streamInParts(documents.prose, [5]).parts.length > 20, 'long prose is kept in many parts');
});

test('a reference definition marks the answer as not renderable in parts', () => {
  const text = 'See [the docs].\n\nMore.\n\n[the docs]: https://example.com\n\nEnd.\n';
  const { parts, cutter } = streamInParts(text, [4]);
  assert.equal(cutter.hasReferenceDefinitions, true);
  assert.notEqual(parts.map((part) => markdown.render(part)).join(''), markdown.render(text));
});

test('Ask About Selection quotes the file, lines and language in a fence the code cannot close', () => {
  assert.equal(
    selectionPrompt({ file: 'src/a.ts', languageId: 'typescript', startLine: 3, endLine: 4, code: 'let a = 1;\nlet b = 2;' }),
    'About `src/a.ts` (lines 3–4, typescript):\n\n```typescript\nlet a = 1;\nlet b = 2;\n```\n\n',
  );
  const markdown = selectionPrompt({ file: 'README.md', languageId: 'markdown', startLine: 7, endLine: 7, code: '```js\nx\n```\n' });
  assert.ok(markdown.startsWith('About `README.md` (line 7, markdown):\n\n````markdown\n```js\nx\n```\n````\n'));
});
