// Past chats per workspace: what is saved comes back after a reload, damaged state costs only the history,
// and an answer that was streaming when the window closed comes back stopped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatHistory, maxStoredChats, titleOf, type StoredHistory } from '../../client/src/chat/chatHistory';
import type { TranscriptEntry } from '../../client/src/chat/webviewProtocol';

function memory(initial?: unknown) {
  let value: unknown = initial;
  return {
    storage: { get: () => value, update: (next: StoredHistory) => ((value = structuredClone(next)), Promise.resolve()) },
    stored: () => value as StoredHistory | undefined,
  };
}

const exchange = (prompt: string, answer: string, state: TranscriptEntry['state'] = 'done'): TranscriptEntry[] => [
  { id: 'm1', role: 'user', text: prompt, state: 'done' },
  { id: 'm2', role: 'assistant', text: answer, state },
];

test('a recorded chat is there after a reload, titled by its first prompt, still the shown one', async () => {
  const { storage } = memory();
  const history = new ChatHistory(storage);
  const id = history.active.id;
  await history.record(id, exchange('How do toll gates work?\nIn detail.', 'They collect fees.'));
  const reloaded = new ChatHistory(storage);
  assert.equal(reloaded.active.id, id);
  assert.deepEqual(reloaded.active.entries, exchange('How do toll gates work?\nIn detail.', 'They collect fees.'));
  assert.deepEqual(reloaded.summaries().map((chat) => chat.title), ['How do toll gates work?']);
});

test('an answer that was streaming when the window closed comes back stopped, text kept', async () => {
  const { storage } = memory();
  const history = new ChatHistory(storage);
  await history.record(history.active.id, exchange('q', 'half an ans', 'streaming'));
  assert.equal(new ChatHistory(storage).active.entries[1]?.state, 'stopped');
  assert.equal(new ChatHistory(storage).active.entries[1]?.text, 'half an ans');
});

test('damaged or foreign state gives an empty history instead of an error', () => {
  for (const damaged of [42, 'x', { version: 2 }, { version: 1, activeId: 'c1', chats: [{ id: 'c1' }] }, null]) {
    const history = new ChatHistory(memory(damaged).storage);
    assert.deepEqual(history.active.entries, []);
  }
});

test('new chat, switch and delete; the newest is listed first and empty chats are not kept', async () => {
  let clock = 1000;
  const { storage, stored } = memory();
  const history = new ChatHistory(storage, () => clock++);
  const first = history.active.id;
  await history.record(first, exchange('first', 'a'));
  const second = history.startNew().id;
  assert.notEqual(second, first);
  assert.equal(history.startNew().id, second, 'an empty shown chat is reused, not stacked');
  await history.record(second, exchange('second', 'b'));
  assert.deepEqual(history.summaries().map((chat) => chat.title), ['second', 'first']);

  assert.equal(history.select(first)?.id, first);
  assert.equal(history.active.id, first);
  assert.equal(history.select('c-unknown'), undefined);

  const next = history.delete(first);
  assert.equal(next?.id, second, 'deleting the shown chat shows the newest other one');
  assert.deepEqual(stored()?.chats.map((chat) => chat.id), [second]);
  assert.equal(history.delete('c-unknown'), undefined);
});

test('an answer that ends after its chat was deleted does not bring the chat back', async () => {
  const { storage, stored } = memory();
  const history = new ChatHistory(storage);
  const doomed = history.active.id;
  await history.record(doomed, exchange('q', 'a'));
  history.startNew();
  history.delete(doomed);
  await history.record(doomed, exchange('q', 'a longer answer'));
  assert.ok(!stored()?.chats.some((chat) => chat.id === doomed));
});

test(`at most ${maxStoredChats} chats are kept, the oldest dropped`, async () => {
  let clock = 0;
  const { storage, stored } = memory();
  const history = new ChatHistory(storage, () => clock++);
  for (let index = 0; index < maxStoredChats + 5; index++) {
    await history.record(history.startNew().id, exchange(`prompt ${index}`, 'a'));
  }
  assert.equal(stored()?.chats.length, maxStoredChats);
  assert.equal(stored()?.chats.at(-1)?.title, 'prompt 5');
});

test('titles are the first line, shortened', () => {
  assert.equal(titleOf('  \n'), 'New chat');
  assert.equal(titleOf('x'.repeat(100)).length, 60);
});

test("a failed answer's recovery (interrupted, Retry, long wait, billing page) and a note come back after a reload", async () => {
  const { storage } = memory();
  const history = new ChatHistory(storage);
  const entries: TranscriptEntry[] = [
    { id: 'm1', role: 'user', text: 'q', state: 'done' },
    { id: 'm2', role: 'assistant', text: 'half', state: 'error', error: { kind: 'overloaded', message: 'Busy.', action: 'retry', interrupted: true, retryAt: 1_800_000_000_000 } },
    { id: 'm3', role: 'user', text: 'q2', state: 'done' },
    { id: 'm4', role: 'assistant', text: '', state: 'error', error: { kind: 'quotaExceeded', message: 'No credit.', action: 'openBilling', actionUrl: 'https://platform.openai.com/settings/organization/billing' } },
    { id: 'm5', role: 'user', text: 'q3', state: 'done' },
    { id: 'm6', role: 'assistant', text: 'a', state: 'done', note: 'The oldest message was left out.' },
  ];
  await history.record(history.active.id, entries);
  assert.deepEqual(new ChatHistory(storage).active.entries, entries);
});

test('a stored billing page that is not https costs the history, so it is never opened', async () => {
  const { storage, stored } = memory();
  const history = new ChatHistory(storage);
  await history.record(history.active.id, [
    { id: 'm1', role: 'user', text: 'q', state: 'done' },
    { id: 'm2', role: 'assistant', text: '', state: 'error', error: { kind: 'quotaExceeded', message: 'x', action: 'openBilling', actionUrl: 'https://ok.example/billing' } },
  ]);
  const damaged = structuredClone(stored());
  const error = damaged?.chats[0]?.entries[1]?.error;
  assert.ok(error);
  error.actionUrl = 'javascript:alert(1)';
  assert.deepEqual(new ChatHistory(memory(damaged).storage).active.entries, []);
});
