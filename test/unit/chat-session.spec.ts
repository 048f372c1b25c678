// The chat session against a scripted server: streaming, Stop, typed errors and a server that dies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseError, type CancellationToken } from 'vscode-languageserver-protocol';
import { ChatSession, type ChatTransport } from '../../client/src/chat/chatSession';
import type { HostMessage } from '../../client/src/chat/webviewProtocol';
import type { ChatParams, ChatResult } from '../../server/src/protocol';

/** Frames end only when the test says so, so every post is deterministic. */
const neverEndingFrames = { schedule: () => ({ cancel: () => undefined }) };

function result(text: string): ChatResult {
  return { text, stopReason: 'end', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, attempts: 1 };
}

function whenCancelled(token: CancellationToken): Promise<void> {
  return new Promise((resolve) => token.onCancellationRequested(() => resolve()));
}

/** The server's side of one request: it may answer at once or later, and may throw. */
type ScriptedServer = (...args: Parameters<ChatTransport>) => ChatResult | Promise<ChatResult>;

function harness(server: ScriptedServer) {
  const posts: HostMessage[] = [];
  const logs: string[] = [];
  const requests: Omit<ChatParams, 'partialResultToken'>[] = [];
  const session = new ChatSession({
    transport: (params, token, onPartial) => {
      requests.push(params);
      // Like a real transport, the request settles asynchronously even when the script answers at once.
      return Promise.resolve().then(() => server(params, token, onPartial));
    },
    post: (message) => posts.push(message),
    onBusyChange: () => undefined,
    log: (line) => logs.push(line),
    scheduler: neverEndingFrames,
  });
  const ofType = <T extends HostMessage['type']>(type: T) =>
    posts.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);
  return { session, posts, logs, requests, ofType };
}

test('a streamed answer reaches the view as one coalesced delta and finishes done', async () => {
  const tokens = ['Toll', 'gates ', 'collect ', 'fees.'];
  const { session, ofType } = harness((_params, _token, onPartial) => {
    onPartial({ text: tokens[0]! });
    onPartial([{ text: tokens[1]! }, { text: tokens[2]! }]);
    onPartial({ text: tokens[3]! });
    return result(tokens.join(''));
  });
  await session.send('What do toll gates do?');
  assert.deepEqual(
    ofType('append').map((m) => [m.entry.role, m.entry.text, m.entry.state]),
    [
      ['user', 'What do toll gates do?', 'done'],
      ['assistant', '', 'streaming'],
    ],
  );
  assert.deepEqual(ofType('delta').map((m) => m.text), ['Tollgates collect fees.']);
  assert.deepEqual(ofType('finish'), [{ type: 'finish', id: 'm2', state: 'done' }]);
  assert.equal(session.snapshot()[1]?.text, 'Tollgates collect fees.');
  assert.equal(session.busy, false);
});

test('when the final text differs from the stream, the final text wins', async () => {
  const { session, ofType } = harness((_p, _t, onPartial) => {
    onPartial({ text: 'partial' });
    return result('complete answer');
  });
  await session.send('q');
  assert.equal(ofType('finish')[0]?.text, 'complete answer');
  assert.equal(session.snapshot()[1]?.text, 'complete answer');
});

test('Stop cancels the request, keeps the partial answer and shows it as stopped', async () => {
  let streamed!: () => void;
  const started = new Promise<void>((resolve) => (streamed = resolve));
  const { session, ofType, posts } = harness(async (_p, token, onPartial) => {
    onPartial({ text: 'Half an ans' });
    streamed();
    await whenCancelled(token);
    throw new ResponseError(-32800, 'The request was canceled.', { kind: 'canceled', message: 'Stopped.' });
  });
  const sending = session.send('Tell me everything.');
  await started;
  assert.equal(session.busy, true);
  session.stop();
  await sending;
  assert.deepEqual(ofType('finish'), [{ type: 'finish', id: 'm2', state: 'stopped' }]);
  assert.equal(session.snapshot()[1]?.text, 'Half an ans');
  assert.equal(ofType('restorePrompt').length, 0);
  assert.ok(posts.findIndex((m) => m.type === 'delta') < posts.findIndex((m) => m.type === 'finish'));
});

test('after Stop, a failure of any shape still counts as stopped', async () => {
  const { session, ofType } = harness(async (_p, token) => {
    await whenCancelled(token);
    throw new Error('connection reset');
  });
  const sending = session.send('q');
  session.stop();
  await sending;
  assert.equal(ofType('finish')[0]?.state, 'stopped');
});

test('an authentication error is shown inline with a Set API Key action and the prompt comes back', async () => {
  const message = 'Anthropic rejected the API key. Run "Tollgate: Set API Key" to store a valid one.';
  const { session, ofType, logs } = harness(() => {
    throw new ResponseError(1000, message, { kind: 'authentication', message, provider: 'anthropic' });
  });
  await session.send('Hello?');
  assert.deepEqual(ofType('finish'), [
    { type: 'finish', id: 'm2', state: 'error', error: { kind: 'authentication', message, action: 'setApiKey' } },
  ]);
  assert.deepEqual(ofType('restorePrompt'), [{ type: 'restorePrompt', text: 'Hello?' }]);
  assert.equal(logs.length, 1);
});

test('other error kinds show the server message without an action', async () => {
  const message = 'Anthropic is overloaded. Try again in a minute.';
  const { session, ofType } = harness(() => {
    throw new ResponseError(1000, message, { kind: 'overloaded', message, retryAfterMs: 1000 });
  });
  await session.send('q');
  assert.deepEqual(ofType('finish')[0]?.error, { kind: 'overloaded', message });
});

test('a server that dies mid-answer leaves the partial answer, a clear error and the prompt', async () => {
  const { session, ofType } = harness((_p, _t, onPartial) => {
    onPartial({ text: 'The first half' });
    throw new ResponseError(-32097, 'Pending response rejected since connection got disposed');
  });
  await session.send('Explain.');
  const finish = ofType('finish')[0];
  assert.equal(finish?.state, 'error');
  assert.equal(finish?.error?.kind, 'serverStopped');
  assert.equal(finish?.error?.action, 'showServerOutput');
  assert.equal(session.snapshot()[1]?.text, 'The first half');
  assert.deepEqual(ofType('restorePrompt'), [{ type: 'restorePrompt', text: 'Explain.' }]);
});

test('history carries answered exchanges and leaves out failed ones', async () => {
  let call = 0;
  const { session, requests } = harness(() => {
    call++;
    if (call === 2) {
      throw new ResponseError(1000, 'Timed out.', { kind: 'timeout', message: 'Timed out.' });
    }
    return result(`answer ${call}`);
  });
  await session.send('first');
  await session.send('second');
  await session.send('third');
  assert.deepEqual(requests[2]?.messages, [
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'answer 1' },
    { role: 'user', content: 'third' },
  ]);
});

test('a prompt sent while an answer streams is ignored, not interleaved', async () => {
  let finish!: () => void;
  const { session, requests } = harness(
    () => new Promise<ChatResult>((resolve) => (finish = () => resolve(result('done')))),
  );
  const first = session.send('one');
  await session.send('two');
  finish();
  await first;
  assert.equal(requests.length, 1);
  assert.equal(session.snapshot().length, 2);
});
