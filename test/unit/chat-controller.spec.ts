// The controller between the chat views, the session and the history: retry, switching chats while an
// answer streams, copy, insert and Ask About Selection's prefill.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CancellationToken } from 'vscode-languageserver-protocol';
import { ResponseError } from 'vscode-languageserver-protocol';
import { ChatController, conversationOf, noEditorMessage, type ChatActions } from '../../client/src/chat/chatController';
import { ChatHistory, type StoredHistory } from '../../client/src/chat/chatHistory';
import { ChatSession, type ChatTransport } from '../../client/src/chat/chatSession';
import type { HostMessage } from '../../client/src/chat/webviewProtocol';
import type { ChatResult } from '../../server/src/protocol';

const frames = { schedule: (callback: () => void) => { const handle = setTimeout(callback, 0); return { cancel: () => clearTimeout(handle) }; } };

function result(text: string): ChatResult {
  return { text, stopReason: 'end', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, attempts: 1 };
}

function harness(server: (...args: Parameters<ChatTransport>) => Promise<ChatResult> | ChatResult, stored?: unknown) {
  let value: unknown = stored;
  const storage = { get: () => value, update: (next: StoredHistory) => ((value = structuredClone(next)), Promise.resolve()) };
  const history = new ChatHistory(storage);
  const posts: HostMessage[] = [];
  const done: string[] = [];
  let editorOpen = true;
  const actions: ChatActions = {
    runAction: (action) => void done.push(`run ${action}`),
    openBillingPage: (url) => (done.push(`open ${url}`), Promise.resolve()),
    copy: (text) => (done.push(`copy ${text}`), Promise.resolve()),
    insertAtCursor: (text) => (done.push(`insert ${text}`), Promise.resolve(editorOpen)),
    setProvider: (provider) => (done.push(`provider ${provider}`), Promise.resolve()),
    pickModel: () => (done.push('pickModel'), Promise.resolve()),
    warn: (message) => void done.push(`warn ${message}`),
  };
  const requests: Parameters<ChatTransport>[0][] = [];
  let ready = false;
  const session: ChatSession = new ChatSession({
    transport: (params, token, onPartial) => {
      requests.push(params);
      return Promise.resolve().then(() => server(params, token, onPartial));
    },
    post: (message) => posts.push(message),
    onBusyChange: () => undefined,
    onTranscriptChange: (conversation) => controller.recordTranscript(conversation),
    log: () => undefined,
    scheduler: frames,
    conversation: conversationOf(history),
  });
  const controller: ChatController = new ChatController({
    session,
    history,
    actions,
    broadcast: (message) => posts.push(message),
    status: () => ({ provider: 'anthropic', model: 'm' }),
    hasReadyView: () => ready,
  });
  const replies: HostMessage[] = [];
  const receive = (message: Parameters<ChatController['receive']>[0]) => controller.receive(message, (m) => replies.push(m));
  return {
    controller, session, history, posts, replies, done, requests, receive,
    stored: () => value as StoredHistory,
    setReady: (value: boolean) => (ready = value),
    closeEditor: () => (editorOpen = false),
  };
}

function whenCancelled(token: CancellationToken): Promise<void> {
  return new Promise((resolve) => token.onCancellationRequested(() => resolve()));
}

test('Retry replaces the last answer: the view is told to remove it and the prompt is asked again', async () => {
  let call = 0;
  const h = harness(() => {
    call++;
    if (call === 1) {
      throw new ResponseError(1000, 'Overloaded.', { kind: 'overloaded', message: 'Overloaded.' });
    }
    return result('second try');
  });
  await h.receive({ type: 'send', text: 'question' });
  await h.receive({ type: 'retry' });
  assert.deepEqual(h.posts.find((m) => m.type === 'remove'), { type: 'remove', ids: ['m1', 'm2'] });
  assert.deepEqual(h.requests[1]?.messages, [{ role: 'user', content: 'question' }]);
  assert.deepEqual(h.session.snapshot().map((e) => [e.role, e.text, e.state]), [
    ['user', 'question', 'done'],
    ['assistant', 'second try', 'done'],
  ]);
  assert.equal(h.stored().chats[0]?.entries.length, 2, 'the retried exchange replaced the failed one in history');
});

test('switching chats while an answer streams stops it and saves it to its own chat, not the new one', async () => {
  let streamed!: () => void;
  const started = new Promise<void>((resolve) => (streamed = resolve));
  const h = harness(async (_params, token, onPartial) => {
    onPartial({ text: 'partial' });
    streamed();
    await whenCancelled(token);
    throw new ResponseError(-32800, 'Canceled.', { kind: 'canceled', message: 'Stopped.' });
  });
  const first = h.history.active.id;
  const sending = h.receive({ type: 'send', text: 'long question' });
  await started;
  await h.receive({ type: 'newChat' });
  await sending;
  assert.notEqual(h.history.active.id, first);
  assert.deepEqual(h.session.snapshot(), []);
  const saved = h.stored().chats.find((chat) => chat.id === first);
  assert.deepEqual(saved?.entries.map((e) => [e.text, e.state]), [['long question', 'done'], ['partial', 'stopped']]);
  assert.ok(!h.stored().chats.some((chat) => chat.id !== first && chat.entries.length > 0));

  await h.receive({ type: 'switchChat', id: first });
  const restore = h.posts.filter((m) => m.type === 'restore').at(-1);
  assert.equal(restore?.type === 'restore' ? restore.entries[1]?.text : undefined, 'partial');
});

test('a restored chat continues with its history sent to the provider', async () => {
  const h1 = harness(() => result('first answer'));
  await h1.receive({ type: 'send', text: 'first' });
  const h2 = harness(() => result('second answer'), h1.stored());
  await h2.receive({ type: 'send', text: 'second' });
  assert.deepEqual(h2.requests[0]?.messages, [
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'first answer' },
    { role: 'user', content: 'second' },
  ]);
  assert.deepEqual(h2.session.snapshot().map((e) => e.id), ['m1', 'm2', 'm3', 'm4']);
});

test('copy and insert go to the editor; with no editor the user is told what to do', async () => {
  const h = harness(() => result('answer text'));
  await h.receive({ type: 'send', text: 'q' });
  await h.receive({ type: 'copyMessage', id: 'm2' });
  await h.receive({ type: 'copyMessage', id: 'm99' });
  await h.receive({ type: 'copyCode', text: 'let x = 1;' });
  await h.receive({ type: 'insertCode', text: 'let y = 2;' });
  h.closeEditor();
  await h.receive({ type: 'insertCode', text: 'let z = 3;' });
  assert.deepEqual(h.done, ['copy answer text', 'copy let x = 1;', 'insert let y = 2;', 'insert let z = 3;', `warn ${noEditorMessage}`]);
});

test('a prefill waits for a view that is not ready and is delivered once', async () => {
  const h = harness(() => result('a'));
  h.controller.prefill('About `a.ts`');
  await h.receive({ type: 'ready' });
  assert.deepEqual(h.replies.map((m) => m.type), ['restore', 'chats', 'prefillPrompt']);
  await h.receive({ type: 'ready' });
  assert.equal(h.replies.filter((m) => m.type === 'prefillPrompt').length, 1);
  h.setReady(true);
  h.controller.prefill('again');
  assert.deepEqual(h.posts.at(-1), { type: 'prefillPrompt', text: 'again' });
});

test('delete of another chat keeps the shown one and updates the list', async () => {
  const h = harness(() => result('a'));
  await h.receive({ type: 'send', text: 'one' });
  const one = h.history.active.id;
  await h.receive({ type: 'newChat' });
  await h.receive({ type: 'send', text: 'two' });
  await h.receive({ type: 'deleteChat', id: one });
  assert.equal(h.session.snapshot()[0]?.text, 'two');
  const list = h.posts.filter((m) => m.type === 'chats').at(-1);
  assert.deepEqual(list?.type === 'chats' ? list.chats.map((c) => c.title) : [], ['two']);
});

test('Open Billing Page opens the URL the server sent with that answer, never one the view names', async () => {
  const billing = 'https://platform.claude.com/settings/billing';
  const h = harness(() => {
    throw new ResponseError(1000, 'No credit.', { kind: 'quotaExceeded', message: 'No credit.', actionUrl: billing });
  });
  await h.receive({ type: 'send', text: 'q' });
  assert.equal(h.session.snapshot()[1]?.error?.action, 'openBilling');
  await h.receive({ type: 'runAction', action: 'openBilling', id: 'm1' });
  await h.receive({ type: 'runAction', action: 'openBilling' });
  await h.receive({ type: 'runAction', action: 'openBilling', id: 'm2' });
  await h.receive({ type: 'runAction', action: 'showServerOutput' });
  assert.deepEqual(h.done, [`open ${billing}`, 'run showServerOutput']);
});

test("an interrupted answer's Retry is Retry last answer: the exchange is replaced, its partial text not sent", async () => {
  let call = 0;
  const h = harness((_params, _token, onPartial) => {
    call++;
    if (call === 1) {
      onPartial({ text: 'The first half' });
      throw new ResponseError(1000, 'Overloaded.', { kind: 'overloaded', message: 'Overloaded.' });
    }
    return result('The whole answer.');
  });
  await h.receive({ type: 'send', text: 'Tell me everything.' });
  const failed = h.session.snapshot()[1];
  assert.equal(failed?.error?.interrupted, true);
  assert.equal(failed?.error?.action, 'retry');
  assert.equal(failed?.text, 'The first half');
  assert.equal(h.stored().chats[0]?.entries[1]?.error?.interrupted, true, 'the interrupted mark is saved with the chat');
  await h.receive({ type: 'retry' });
  assert.deepEqual(h.requests[1]?.messages, [{ role: 'user', content: 'Tell me everything.' }]);
  assert.deepEqual(h.session.snapshot().map((e) => [e.text, e.state]), [
    ['Tell me everything.', 'done'],
    ['The whole answer.', 'done'],
  ]);
});
