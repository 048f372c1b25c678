// The chat's face for retries and failures: countdown messages, interrupted answers with Retry, billing
// and long-wait actions. The session runs against a scripted server, as in chat-session.spec.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseError } from 'vscode-languageserver-protocol';
import { ChatSession, type ChatTransport } from '../../client/src/chat/chatSession';
import { withRecovery } from '../../client/src/chat/retryNotice';
import { type HostMessage, webviewMessageSchema } from '../../client/src/chat/webviewProtocol';
import type { ChatResult, ErrorData } from '../../server/src/protocol';

const neverEndingFrames = { schedule: () => ({ cancel: () => undefined }) };

function harness(server: (...args: Parameters<ChatTransport>) => ChatResult | Promise<ChatResult>) {
  const posts: HostMessage[] = [];
  const prompts: string[] = [];
  const session = new ChatSession({
    transport: (params, token, onPartial) => {
      prompts.push(params.messages.at(-1)?.content ?? '');
      return Promise.resolve().then(() => server(params, token, onPartial));
    },
    post: (message) => posts.push(message),
    onBusyChange: () => undefined,
    log: () => undefined,
    scheduler: neverEndingFrames,
  });
  const ofType = <T extends HostMessage['type']>(type: T) =>
    posts.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);
  return { session, ofType, prompts };
}

const fail = (data: ErrorData) => new ResponseError(1000, data.message, data);

test('a retryScheduled notification becomes a countdown on the running answer, and is ignored when idle', async () => {
  let release!: () => void;
  const { session, ofType } = harness(
    () => new Promise<ChatResult>((resolve) => (release = () => resolve({ text: 'ok', stopReason: 'end', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, attempts: 2 }))),
  );
  session.retryScheduled({ kind: 'overloaded', attempt: 1, maxAttempts: 3, delayMs: 5 });
  assert.equal(ofType('retryScheduled').length, 0);
  const sending = session.send('hi');
  await Promise.resolve();
  session.retryScheduled({ kind: 'overloaded', attempt: 1, maxAttempts: 3, delayMs: 2000 });
  assert.deepEqual(ofType('retryScheduled'), [
    { type: 'retryScheduled', id: 'm2', kind: 'overloaded', attempt: 1, maxAttempts: 3, delayMs: 2000 },
  ]);
  release();
  await sending;
});

test('a failure after text keeps the text, marks it interrupted, and Retry (retryLast) sends the prompt again', async () => {
  let call = 0;
  const { session, ofType, prompts } = harness((_params, _token, onPartial) => {
    call += 1;
    if (call === 1) {
      onPartial({ text: 'Half an ' });
      throw fail({ kind: 'overloaded', message: 'Anthropic is overloaded right now. Try again in a moment.' });
    }
    return { text: 'A whole answer.', stopReason: 'end', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, attempts: 1 };
  });
  await session.send('Explain tolls.');
  const finish = ofType('finish')[0];
  assert.equal(finish?.error?.interrupted, true);
  assert.equal(finish?.error?.action, 'retry');
  assert.equal(session.snapshot()[1]?.text, 'Half an ', 'the partial answer is kept once');
  await session.retryLast();
  assert.deepEqual(prompts, ['Explain tolls.', 'Explain tolls.']);
  assert.deepEqual(ofType('remove'), [{ type: 'remove', ids: ['m1', 'm2'] }], 'the interrupted exchange is replaced');
  assert.deepEqual(session.snapshot().map((entry) => entry.text), ['Explain tolls.', 'A whole answer.']);
});

test('recovery actions: billing page for quota, Retry and a time for a long wait, nothing for the rest', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');
  const quota = withRecovery(
    { kind: 'quotaExceeded', message: 'No credit.' },
    { data: { kind: 'quotaExceeded', actionUrl: 'https://platform.claude.com/settings/billing' } },
    false,
    now,
  );
  assert.deepEqual(quota, {
    kind: 'quotaExceeded',
    message: 'No credit.',
    action: 'openBilling',
    actionUrl: 'https://platform.claude.com/settings/billing',
  });
  const unsafe = withRecovery({ kind: 'quotaExceeded', message: 'x' }, { data: { actionUrl: 'javascript:alert(1)' } }, false, now);
  assert.equal(unsafe.action, undefined);
  assert.equal(unsafe.actionUrl, undefined);
  const longWait = withRecovery({ kind: 'rateLimited', message: 'Wait.' }, { data: { retryAfterMs: 120_000 } }, false, now);
  assert.deepEqual(longWait, { kind: 'rateLimited', message: 'Wait.', retryAt: now + 120_000, action: 'retry' });
  const shortWait = withRecovery({ kind: 'rateLimited', message: 'Wait.' }, { data: { retryAfterMs: 1000 } }, false, now);
  assert.deepEqual(shortWait, { kind: 'rateLimited', message: 'Wait.' });
  const auth = withRecovery({ kind: 'authentication', message: 'Bad key.', action: 'setApiKey' }, {}, false, now);
  assert.equal(auth.action, 'setApiKey');
  const died = withRecovery({ kind: 'serverStopped', message: 'Stopped.', action: 'showServerOutput' }, {}, true, now);
  assert.equal(died.action, 'showServerOutput', 'a more useful action is kept');
  assert.equal(died.interrupted, true);
});

test('the webview may ask for the billing page of an answer, and Retry only as the retry message', () => {
  assert.ok(webviewMessageSchema.safeParse({ type: 'runAction', action: 'openBilling', id: 'm2' }).success);
  assert.ok(webviewMessageSchema.safeParse({ type: 'retry' }).success);
  assert.ok(!webviewMessageSchema.safeParse({ type: 'runAction', action: 'retry', id: 'm2' }).success);
  assert.ok(!webviewMessageSchema.safeParse({ type: 'runAction', action: 'openBilling', url: 'https://evil' }).success);
  assert.ok(!webviewMessageSchema.safeParse({ type: 'runAction', action: 'openBilling', id: 'x'.repeat(101) }).success);
});

test('an answer for which the server left older messages out says so, and keeps saying so after a restore', async () => {
  const { session, ofType } = harness(() => ({
    text: 'Short.',
    stopReason: 'end',
    usage: { inputTokens: 1, outputTokens: 1 },
    costUsd: 0,
    attempts: 1,
    trimmedMessages: 4,
  }));
  await session.send('A long chat.');
  const note = "The 4 oldest messages were left out so the conversation fits the model's context window.";
  assert.equal(ofType('finish')[0]?.note, note);
  assert.equal(session.snapshot()[1]?.note, note);
});
