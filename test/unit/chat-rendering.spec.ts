// Pure pieces of the chat's rendering: where a streaming answer may be cut so only its tail re-renders,
// and the prompt Ask About Selection builds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectionPrompt } from '../../client/src/chat/selectionPrompt';
import { BlockCutter } from '../../client/webview/blockCutter';

test('a streaming answer is cut after blank lines, never inside a code fence', () => {
  const cutter = new BlockCutter();
  let text = 'First paragraph.\n\n';
  assert.equal(cutter.lastCut(text), text.length);
  text += '```ts\nconst a = 1;\n\nconst b = 2;\n';
  const beforeFence = text.indexOf('```');
  assert.equal(cutter.lastCut(text), beforeFence, 'a blank line inside the fence is not a cut');
  text += '```\n\nAfter.';
  assert.equal(cutter.lastCut(text), text.indexOf('After.'));
});

test('a fence closes only with the same marker, at least as long, alone on its line', () => {
  const cutter = new BlockCutter();
  const text = '````md\n```\n\n~~~\n\n```` not a close\n\n````\n\nend';
  assert.equal(cutter.lastCut(text), text.indexOf('end'));
  const inside = new BlockCutter();
  const open = '````md\n```\n\n~~~\n\n```` not a close\n\n';
  assert.equal(inside.lastCut(open), 0);
});

test('Ask About Selection quotes the file, lines and language in a fence the code cannot close', () => {
  assert.equal(
    selectionPrompt({ file: 'src/a.ts', languageId: 'typescript', startLine: 3, endLine: 4, code: 'let a = 1;\nlet b = 2;' }),
    'About `src/a.ts` (lines 3–4, typescript):\n\n```typescript\nlet a = 1;\nlet b = 2;\n```\n\n',
  );
  const markdown = selectionPrompt({ file: 'README.md', languageId: 'markdown', startLine: 7, endLine: 7, code: '```js\nx\n```\n' });
  assert.ok(markdown.startsWith('About `README.md` (line 7, markdown):\n\n````markdown\n```js\nx\n```\n````\n'));
});
