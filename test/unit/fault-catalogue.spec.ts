/**
 * The fault catalogue: every failure class of provider-wire.md, played by the fake provider to the real
 * SDKs behind tollgate/chat (streaming), for both providers. Each row asserts what the user would notice:
 * the error kind (or the answer), the exact number of upstream requests, the waits chosen (announced by
 * tollgate/retryScheduled), and that the text is never doubled.
 *
 * Backoff is made tiny through the settings (`minDelayMs` 1, `maxDelayMs` 4: waits of exactly 1 then 2 ms,
 * jitter rounding away); provider waits use `retry-after-ms` values that cannot be mistaken for them.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic, * as anthropicSdk from '@anthropic-ai/sdk';
import OpenAI, * as openaiSdk from 'openai';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { classify } from '../../server/src/errors';
import type { ChatMessage, ErrorKind, ProviderId } from '../../server/src/protocol';
import { errorDetails as anthropicDetails } from '../../server/src/providers/anthropic';
import { errorDetails as openaiDetails } from '../../server/src/providers/openai';
import { toProviderFailure } from '../../server/src/providers/sdkFailure';
import { type FakeProvider, type HttpErrorKind, type Scenario, startFakeProvider } from '../fake-provider';
import { type ServerUnderTest, startAgainstFake, waitUntil } from './support/lspHarness';

const key = 'sk-catalogue-secret-123456';
const hello: ChatMessage[] = [{ role: 'user', content: 'hello' }];
const retrySettings = { retry: { maxAttempts: 3, minDelayMs: 1, maxDelayMs: 4 } };
const ok: Scenario = { type: 'text', chunks: ['All ', 'good.'] };

interface Row {
  name: string;
  scenarios: Scenario[];
  /** The error kind, or `answer` when the call succeeds with `text`. */
  outcome: ErrorKind | 'answer';
  requests: number;
  /** `delayMs` of every retryScheduled notification, in order. */
  delays: number[];
  /** What the user ends up with on screen: the streamed text. */
  text?: string;
  only?: ProviderId;
  check?: (outcome: Awaited<ReturnType<ServerUnderTest['chat']>>, fake: FakeProvider) => void;
}

const twoMinutes = 120_000;

const rows: Row[] = [
  // ---- transient: retried before the first delta ----
  { name: '429 with retry-after-ms, then an answer', scenarios: [{ type: 'httpError', error: 'rateLimited', retryAfterMs: 3 }, ok], outcome: 'answer', requests: 2, delays: [3], text: 'All good.' },
  { name: '429 three times without a wait: backoff 1, 2 ms, then give up', scenarios: Array(3).fill({ type: 'httpError', error: 'rateLimited' }), outcome: 'rateLimited', requests: 3, delays: [1, 2] },
  { name: 'a provider wait above maxDelayMs wins', scenarios: [{ type: 'httpError', error: 'rateLimited', retryAfterMs: 7 }, ok], outcome: 'answer', requests: 2, delays: [7], text: 'All good.' },
  { name: 'overloaded burst (529 / 503) ×2, then an answer', scenarios: [{ type: 'httpError', error: 'overloaded' }, { type: 'httpError', error: 'overloaded' }, ok], outcome: 'answer', requests: 3, delays: [1, 2], text: 'All good.' },
  { name: 'overloaded burst longer than maxAttempts', scenarios: Array(4).fill({ type: 'httpError', error: 'overloaded' }), outcome: 'overloaded', requests: 3, delays: [1, 2], check: (o) => assert.match(o.error?.message ?? '', /Tollgate tried 3 times\./) },
  { name: 'server 500, then an answer', scenarios: [{ type: 'httpError', error: 'server' }, ok], outcome: 'answer', requests: 2, delays: [1], text: 'All good.' },
  { name: 'gateway timeout (504 / 408), then an answer', scenarios: [{ type: 'httpError', error: 'timeout' }, ok], outcome: 'answer', requests: 2, delays: [1], text: 'All good.' },
  { name: 'connection reset before the first byte, then an answer', scenarios: [{ type: 'reset' }, ok], outcome: 'answer', requests: 2, delays: [1], text: 'All good.' },
  { name: 'overloaded error event before any text, then an answer', scenarios: [{ type: 'streamError', chunks: [], afterChunks: 0, error: 'overloaded' }, ok], outcome: 'answer', requests: 2, delays: [1], text: 'All good.' },
  { name: 'hang-up before any text, then an answer', scenarios: [{ type: 'hangUp', chunks: [] }, ok], outcome: 'answer', requests: 2, delays: [1], text: 'All good.' },
  { name: 'retry-after as an HTTP date in the past: at once', scenarios: [{ type: 'httpError', error: 'overloaded', retryAfterDate: new Date(0).toUTCString() }, ok], outcome: 'answer', requests: 2, delays: [0], text: 'All good.' },

  // ---- the provider says no, or asks for too long ----
  { name: 'x-should-retry: false stops a 429', scenarios: [{ type: 'httpError', error: 'rateLimited', retryAfterMs: 3, shouldRetry: false }, ok], outcome: 'rateLimited', requests: 1, delays: [] },
  {
    name: 'retry-after 120 s is not slept through',
    scenarios: [{ type: 'httpError', error: 'rateLimited', retryAfterSeconds: 120 }, ok],
    outcome: 'rateLimited',
    requests: 1,
    delays: [],
    check: (o) => {
      assert.equal(o.error?.data?.retryAfterMs, twoMinutes);
      assert.match(o.error?.message ?? '', /asked to wait 2 minutes, longer than Tollgate waits on its own\. Retry after that\./);
    },
  },
  {
    name: 'retry-after as an HTTP date two minutes ahead is not slept through',
    scenarios: [{ type: 'httpError', error: 'overloaded', retryAfterDate: new Date(Date.now() + twoMinutes + 5000).toUTCString() }, ok],
    outcome: 'overloaded',
    requests: 1,
    delays: [],
    check: (o) => {
      const wait = o.error?.data?.retryAfterMs ?? 0;
      assert.ok(wait > 60_000 && wait <= twoMinutes + 5000, `retryAfterMs ${wait}`);
    },
  },

  // ---- never retried ----
  { name: 'quota exhausted (402 / 429 insufficient_quota)', scenarios: [{ type: 'httpError', error: 'quotaExceeded' }, ok], outcome: 'quotaExceeded', requests: 1, delays: [], check: (o) => assert.equal(o.error?.data?.actionUrl, undefined, 'no billing page behind a custom base URL') },
  { name: 'authentication 401', scenarios: [{ type: 'httpError', error: 'authentication' }, ok], outcome: 'authentication', requests: 1, delays: [] },
  { name: 'permission 403', scenarios: [{ type: 'httpError', error: 'permissionDenied' }, ok], outcome: 'authentication', requests: 1, delays: [] },
  { name: 'invalid request 400', scenarios: [{ type: 'httpError', error: 'invalidRequest' }, ok], outcome: 'invalidRequest', requests: 1, delays: [] },
  { name: 'unknown model 404', scenarios: [{ type: 'httpError', error: 'notFound' }, ok], outcome: 'invalidRequest', requests: 1, delays: [] },
  { name: 'content filter 400, x-should-retry: true does not override', scenarios: [{ type: 'httpError', error: 'contentFiltered', shouldRetry: true }, ok], outcome: 'contentFiltered', requests: 1, delays: [] },
  {
    name: 'output content filter after text: the text is kept',
    only: 'openai',
    scenarios: [{ type: 'contentFilter', chunks: ['Some ', 'text'] }, ok],
    outcome: 'contentFiltered',
    requests: 1,
    delays: [],
    text: 'Some text',
  },
  { name: 'output content filter is a refusal answer', only: 'anthropic', scenarios: [{ type: 'contentFilter', chunks: ['I cannot.'] }], outcome: 'answer', requests: 1, delays: [], text: 'I cannot.', check: (o) => assert.equal(o.result?.stopReason, 'refusal') },

  // ---- after the first delta: never retried, the partial answer is kept once ----
  { name: 'overloaded error event after two chunks', scenarios: [{ type: 'streamError', chunks: ['Par', 'tial ', 'never'], afterChunks: 2, error: 'overloaded' }, ok], outcome: 'overloaded', requests: 1, delays: [], text: 'Partial ' },
  { name: 'server error event after a chunk', scenarios: [{ type: 'streamError', chunks: ['a', 'b'], afterChunks: 1, error: 'server' }, ok], outcome: 'server', requests: 1, delays: [], text: 'a' },
  { name: 'hang-up mid-answer', scenarios: [{ type: 'hangUp', chunks: ['half ', 'an answer'] }, ok], outcome: 'network', requests: 1, delays: [], text: 'half an answer' },

  // ---- context window ----
  { name: 'context window exceeded twice: trimmed once, then the error', scenarios: [{ type: 'httpError', error: 'contextWindowExceeded' }, { type: 'httpError', error: 'contextWindowExceeded' }, ok], outcome: 'contextWindowExceeded', requests: 2, delays: [] },
];

for (const provider of ['anthropic', 'openai'] as const) {
  describe(`fault catalogue: ${provider}, streaming`, () => {
    let fake: FakeProvider;
    let server: ServerUnderTest;
    let close: () => Promise<void>;

    before(async () => {
      ({ fake, server, close } = await startAgainstFake(provider, key, retrySettings));
    });
    after(() => close());
    beforeEach(() => {
      fake.reset();
      server.retries.length = 0;
    });

    for (const row of rows.filter((r) => !r.only || r.only === provider)) {
      test(row.name, async () => {
        fake.enqueue(...row.scenarios);
        const conversation: ChatMessage[] =
          row.outcome === 'contextWindowExceeded' ? longConversation : hello;
        const outcome = await server.chat({ messages: conversation });
        if (row.outcome === 'answer') {
          assert.equal(outcome.error, undefined, outcome.error?.message);
          assert.equal(outcome.result?.attempts, row.requests);
        } else {
          assert.equal(outcome.error?.data?.kind, row.outcome, outcome.error?.message);
          assert.equal(outcome.error?.data?.attempts, row.requests);
          assert.match(outcome.error?.message ?? '', /\.$/);
          assert.doesNotMatch(JSON.stringify(outcome.error?.data), new RegExp(key));
        }
        assert.equal(fake.requests.length, row.requests, 'upstream requests');
        assert.deepEqual(server.retries.map((r) => r.delayMs), row.delays, 'waits announced');
        server.retries.forEach((r, index) => {
          assert.equal(r.attempt, index + 1);
          assert.equal(r.maxAttempts, 3);
        });
        if (row.text !== undefined) {
          assert.equal(outcome.streamedText, row.text, 'shown exactly once');
        }
        if (outcome.result) {
          assert.equal(outcome.result.text, outcome.streamedText);
        }
        row.check?.(outcome, fake);
      });
    }

    test('context window exceeded once: the oldest turns go, one retry, and the answer says how many', async () => {
      fake.enqueue({ type: 'httpError', error: 'contextWindowExceeded' }, ok);
      const outcome = await server.chat({ messages: longConversation, system: 'Be brief.' });
      assert.equal(outcome.result?.text, 'All good.');
      assert.equal(fake.requests.length, 2);
      assert.deepEqual(server.retries, [], 'a trimmed retry is immediate');
      const sent = fake.requests.map((r) => messagesOf(r.body));
      assert.equal(sent[0]?.length, longConversation.length);
      const second = sent[1] ?? [];
      assert.ok(second.length < longConversation.length, `second request has ${second.length} messages`);
      assert.equal(outcome.result?.trimmedMessages, longConversation.length - second.length);
      assert.deepEqual(second.at(-1), { role: 'user', content: 'the newest question' }, 'the newest message stays');
      assert.equal((second[0] as { role?: string } | undefined)?.role, 'user', 'the kept conversation opens with the user');
      assert.match(JSON.stringify(fake.requests[1]?.body), /Be brief\./, 'the system prompt stays');
    });

    test('the content filter is logged with the provider request id', async () => {
      fake.enqueue({ type: 'httpError', error: 'contentFiltered' });
      const outcome = await server.chat({ messages: hello });
      const requestId = fake.requests[0]?.requestId ?? 'missing';
      assert.equal(outcome.error?.data?.requestId, requestId);
      assert.ok(server.logLines.some((line) => line.includes('contentFiltered') && line.includes(requestId)), server.logLines.join('\n'));
    });

    // Last in the suite: it leaves the retry settings slow.
    test('Stop during the retry countdown cancels at once, with no further request', async () => {
      await server.changeSettings({
        provider,
        anthropic: { baseUrl: fake.anthropicBaseUrl },
        openai: { baseUrl: fake.openaiBaseUrl },
        retry: { maxAttempts: 3, minDelayMs: 600_000, maxDelayMs: 600_000 },
      });
      fake.enqueue({ type: 'httpError', error: 'overloaded' }, ok);
      const cancel = new CancellationTokenSource();
      const pending = server.chat({ messages: hello }, { cancel });
      await waitUntil(() => server.retries.length === 1, 'the retry to be scheduled');
      assert.equal(server.retries[0]?.delayMs, 600_000);
      cancel.cancel();
      const outcome = await pending;
      assert.equal(outcome.error?.data?.kind, 'canceled');
      assert.equal(outcome.error?.code, -32800);
      assert.equal(fake.requests.length, 1);
    });
  });
}

/**
 * Non-streaming: tollgate/chat always streams, but tollgate/extract will not. The adapters' failure
 * description (`toProviderFailure` + each provider's error details) and `classify()` must give the same
 * kinds and retry hints for the SDKs' non-streaming errors, checked here at the SDK level.
 */
const nonStreaming: [Scenario, Record<ProviderId, ErrorKind>][] = [
  ...(
    [
      ['rateLimited', 'rateLimited', 'rateLimited'],
      ['overloaded', 'overloaded', 'overloaded'],
      ['server', 'server', 'server'],
      ['timeout', 'timeout', 'timeout'],
      ['authentication', 'authentication', 'authentication'],
      ['permissionDenied', 'authentication', 'authentication'],
      ['contextWindowExceeded', 'contextWindowExceeded', 'contextWindowExceeded'],
      ['quotaExceeded', 'quotaExceeded', 'quotaExceeded'],
      ['contentFiltered', 'contentFiltered', 'contentFiltered'],
      ['invalidRequest', 'invalidRequest', 'invalidRequest'],
      ['notFound', 'invalidRequest', 'invalidRequest'],
    ] as [HttpErrorKind, ErrorKind, ErrorKind][]
  ).map(([error, anthropic, openai]): [Scenario, Record<ProviderId, ErrorKind>] => [
    { type: 'httpError', error, retryAfterMs: 5, shouldRetry: false },
    { anthropic, openai },
  ]),
  [{ type: 'reset' }, { anthropic: 'network', openai: 'network' }],
  [{ type: 'hangUp', chunks: ['half'] }, { anthropic: 'network', openai: 'network' }],
  [{ type: 'streamError', chunks: [], afterChunks: 0, error: 'overloaded' }, { anthropic: 'overloaded', openai: 'overloaded' }],
];

describe('fault catalogue: both providers, non-streaming, at the SDK level', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake.close());

  const calls: Record<ProviderId, (signal: AbortSignal) => Promise<unknown>> = {
    anthropic: (signal) =>
      new Anthropic({ apiKey: key, baseURL: fake.anthropicBaseUrl, maxRetries: 0 }).messages.create(
        { model: 'claude-test', max_tokens: 10, messages: hello },
        { signal },
      ),
    openai: (signal) =>
      new OpenAI({ apiKey: key, baseURL: fake.openaiBaseUrl, maxRetries: 0 }).chat.completions.create(
        { model: 'gpt-test', messages: hello },
        { signal },
      ),
  };
  const describeFailure = (provider: ProviderId, error: unknown, signal: AbortSignal) =>
    provider === 'anthropic'
      ? toProviderFailure(error, anthropicSdk, anthropicDetails, signal, fake.anthropicBaseUrl)
      : toProviderFailure(error, openaiSdk, openaiDetails, signal, fake.openaiBaseUrl);

  for (const provider of ['anthropic', 'openai'] as const) {
    for (const [scenario, kinds] of nonStreaming) {
      const name = scenario.type === 'httpError' ? scenario.error : scenario.type;
      test(`${provider}: ${name} → ${kinds[provider]}, one request`, async () => {
        fake.reset();
        fake.enqueue(scenario);
        const signal = new AbortController().signal;
        const thrown = await calls[provider](signal).then(
          () => assert.fail('expected an error'),
          (error: unknown) => error,
        );
        const failure = describeFailure(provider, thrown, signal);
        const classified = classify(failure.facts);
        assert.equal(classified.kind, kinds[provider], String(thrown));
        assert.equal(fake.requests.length, 1);
        if (scenario.type === 'httpError') {
          assert.equal(failure.facts.retryAfterMs, 5);
          assert.equal(failure.facts.shouldRetry, false);
          assert.equal(failure.facts.requestId, fake.requests[0]?.requestId);
        }
      });
    }
  }
});

/** Nine messages, alternating, ending with the user's newest question. */
const longConversation: ChatMessage[] = [
  ...Array.from({ length: 4 }, (_, turn): ChatMessage[] => [
    { role: 'user', content: `question ${turn} `.repeat(40) },
    { role: 'assistant', content: `answer ${turn} `.repeat(40) },
  ]).flat(),
  { role: 'user', content: 'the newest question' },
];

function messagesOf(body: unknown): unknown[] {
  const messages = (body as { messages?: unknown[] }).messages ?? [];
  // OpenAI carries the system prompt as the first message; it is not a conversation turn.
  return messages.filter((m) => (m as { role?: string }).role !== 'system');
}
