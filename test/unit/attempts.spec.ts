/**
 * runAttempts(): each attempt is admitted and settled on its own (so every retry reserves budget again),
 * waits go through the injected sleep, and a guard that refuses stops the loop before any HTTP request.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseError } from 'vscode-languageserver';
import { runAttempts, type AttemptDependencies } from '../../server/src/attempts';
import type { AttemptOutcome, CallGuard } from '../../server/src/callGuard';
import { requestError } from '../../server/src/errors';
import type { PreparedCall } from '../../server/src/preparedCall';
import type { ErrorData, RetryScheduledParams } from '../../server/src/protocol';
import { type Provider, ProviderFailure } from '../../server/src/providers/provider';

const call: PreparedCall = {
  provider: 'anthropic',
  model: 'claude-test',
  baseUrl: 'http://127.0.0.1:1',
  label: 'Anthropic',
  apiKey: 'sk-test',
  secrets: ['sk-test'],
  request: { model: 'claude-test', messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 },
  retry: { maxAttempts: 3, minDelayMs: 2000, maxDelayMs: 30_000 },
};

/** A provider that plays `script` in order: a failure's facts, or the text of an answer. */
function scripted(script: ({ fail: ProviderFailure['facts'] } | { text: string })[]): { provider: Provider; calls: () => number } {
  let calls = 0;
  const provider: Provider = {
    streamChat(_request, onText) {
      const step = script[calls++];
      if (!step) {
        throw new Error('script exhausted');
      }
      if ('fail' in step) {
        return Promise.reject(new ProviderFailure(step.fail));
      }
      onText(step.text);
      return Promise.resolve({ stopReason: 'end', usage: { inputTokens: 1, outputTokens: 1 } });
    },
  };
  return { provider, calls: () => calls };
}

function harness(provider: Provider, guard?: CallGuard) {
  const admitted: PreparedCall[] = [];
  const settled: AttemptOutcome[] = [];
  const slept: number[] = [];
  const retries: RetryScheduledParams[] = [];
  const deps: AttemptDependencies = {
    createProvider: () => provider,
    guard: guard ?? {
      admit: (c) => {
        admitted.push(c);
        return Promise.resolve({
          settle: (outcome) => {
            settled.push(outcome);
            return Promise.resolve(0.5);
          },
        });
      },
    },
    log: { info: () => {}, warn: () => {}, error: () => {} },
    notifyRetry: (params) => retries.push(params),
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
  };
  return { deps, admitted, settled, slept, retries };
}

test('every retry is admitted (reserves) and settled again; cost adds up; waits follow the policy', async () => {
  const { provider, calls } = scripted([
    { fail: { status: 529, type: 'overloaded_error' } },
    { fail: { status: 429, type: 'rate_limit_error', retryAfterMs: 1234 } },
    { text: 'done' },
  ]);
  const h = harness(provider);
  let text = '';
  const outcome = await runAttempts(call, h.deps, { signal: new AbortController().signal, onText: (t) => (text += t) });
  assert.equal(calls(), 3);
  assert.equal(h.admitted.length, 3, 'one admission per attempt');
  assert.equal(h.settled.length, 3, 'one settlement per attempt');
  // HTTP error answers were refused by the provider, so they are not billed; the answer was.
  assert.deepEqual(h.settled.map((s) => s.reachedProvider), [false, false, true]);
  assert.equal(outcome.attempts, 3);
  assert.equal(outcome.costUsd, 1.5);
  assert.deepEqual(h.slept, [2000, 1234]);
  assert.deepEqual(h.retries, [
    { kind: 'overloaded', attempt: 1, maxAttempts: 3, delayMs: 2000 },
    { kind: 'rateLimited', attempt: 2, maxAttempts: 3, delayMs: 1234 },
  ]);
  assert.equal(text, 'done');
});

test('a refused connection is settled as not having reached the provider', async () => {
  const { provider } = scripted([{ fail: { connectionFailed: true } }, { text: 'ok' }]);
  const h = harness(provider);
  await runAttempts(call, h.deps, { signal: new AbortController().signal, onText: () => {} });
  assert.deepEqual(h.settled.map((s) => s.reachedProvider), [false, true]);
});

test('a guard that refuses a retry stops the loop with its own error, without another request', async () => {
  const { provider, calls } = scripted([{ fail: { status: 500 } }, { text: 'never' }]);
  let admissions = 0;
  const guard: CallGuard = {
    admit: () => {
      admissions += 1;
      if (admissions > 1) {
        return Promise.reject(requestError('budgetExceeded', 'The daily budget is spent.'));
      }
      return Promise.resolve({ settle: () => Promise.resolve(0) });
    },
  };
  const h = harness(provider, guard);
  await assert.rejects(runAttempts(call, h.deps, { signal: new AbortController().signal, onText: () => {} }), (error) => {
    assert.ok(error instanceof ResponseError);
    assert.equal((error.data as ErrorData).kind, 'budgetExceeded');
    return true;
  });
  assert.equal(calls(), 1);
});

test('Stop during the wait cancels with -32800 and makes no further attempt', async () => {
  const { provider, calls } = scripted([{ fail: { status: 529 } }, { text: 'never' }]);
  const h = harness(provider);
  const abort = new AbortController();
  h.deps.sleep = () => {
    abort.abort();
    return Promise.resolve();
  };
  await assert.rejects(runAttempts(call, h.deps, { signal: abort.signal, onText: () => {} }), (error) => {
    assert.ok(error instanceof ResponseError);
    assert.equal(error.code, -32800);
    return true;
  });
  assert.equal(calls(), 1);
  assert.equal(h.admitted.length, 1);
});

test('the trimmed retry after a context overflow happens once, at once, and is not one of maxAttempts', async () => {
  const { provider, calls } = scripted([
    { fail: { status: 400, code: 'context_length_exceeded' } },
    { fail: { status: 529 } },
    { fail: { status: 529 } },
    { text: 'fits now' },
  ]);
  const h = harness(provider);
  const shrunk: number[] = [];
  const outcome = await runAttempts(call, h.deps, {
    signal: new AbortController().signal,
    onText: () => {},
    shrink: (_overflow, sent) => {
      shrunk.push(sent.messages.length);
      return { ...sent, messages: sent.messages.slice(-1) };
    },
  });
  assert.equal(calls(), 4);
  assert.equal(outcome.attempts, 4, 'every request counts in the result');
  assert.deepEqual(shrunk, [1], 'shrunk once');
  assert.deepEqual(h.slept, [2000, 4000], 'no wait before the trimmed retry');
  assert.deepEqual(h.retries.map((r) => `${r.attempt}/${r.maxAttempts}`), ['1/3', '2/3']);
});

test('a second overflow is not shrunk again: it is the error', async () => {
  const { provider, calls } = scripted([
    { fail: { status: 400, code: 'context_length_exceeded' } },
    { fail: { status: 400, code: 'context_length_exceeded' } },
  ]);
  const h = harness(provider);
  await assert.rejects(
    runAttempts(call, h.deps, { signal: new AbortController().signal, onText: () => {}, shrink: (_o, sent) => sent }),
    (error) => error instanceof ResponseError && (error.data as ErrorData).kind === 'contextWindowExceeded',
  );
  assert.equal(calls(), 2);
});

test("the guard hears once per attempt that output started, right after the first text was handed on", async () => {
  const events: string[] = [];
  const provider: Provider = {
    streamChat(_request, onText) {
      events.push('request');
      onText('');
      onText('Hel');
      onText('lo');
      return Promise.resolve({ stopReason: 'end', usage: { inputTokens: 1, outputTokens: 1 } });
    },
  };
  const guard: CallGuard = {
    admit: () =>
      Promise.resolve({
        outputStarted: () => events.push('outputStarted'),
        settle: () => {
          events.push('settle');
          return Promise.resolve(0);
        },
      }),
  };
  const h = harness(provider, guard);
  await runAttempts(call, h.deps, { signal: new AbortController().signal, onText: (text) => events.push(`text ${text}`) });
  // The empty piece is no output: the first delta the client gets is "Hel".
  assert.deepEqual(events, ['request', 'text ', 'text Hel', 'outputStarted', 'text lo', 'settle']);
});
