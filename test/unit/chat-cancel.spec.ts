/** Stop really stops: `$/cancelRequest` aborts the upstream HTTP request and the fake sees the hang-up. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import type { FakeProvider } from '../fake-provider';
import { type ServerUnderTest, startAgainstFake, waitUntil } from './support/lspHarness';

for (const provider of ['anthropic', 'openai'] as const) {
  describe(`cancel a ${provider} stream`, () => {
    let fake: FakeProvider;
    let server: ServerUnderTest;
    let close: () => Promise<void>;

    before(async () => {
      ({ fake, server, close } = await startAgainstFake(provider, 'sk-test'));
    });
    after(() => close());

    test('$/cancelRequest closes the provider socket and answers canceled (-32800)', async () => {
      fake.enqueue({ type: 'stall', chunks: ['Thinking', ' about it'] });
      const cancel = new CancellationTokenSource();
      let streamed = '';
      const pending = server.chat(
        { messages: [{ role: 'user', content: 'go' }] },
        { cancel, onDelta: (text) => (streamed = text) },
      );
      const request = await fake.waitForRequest();
      // Cancel only once the text has streamed, as a user pressing Stop would.
      await waitUntil(() => streamed === 'Thinking about it', 'the stalled stream to deliver its text');
      assert.equal(request.clientHungUp, false);
      cancel.cancel();
      const outcome = await pending;
      assert.equal(outcome.error?.code, -32800);
      assert.equal(outcome.error?.data?.kind, 'canceled');
      assert.equal(outcome.streamedText, 'Thinking about it');
      await fake.waitForHangUp(request, 2000);
      assert.equal(request.clientHungUp, true);
      assert.equal(request.responseEnded, false);
    });

    test('without a cancel the same stall keeps the socket open (control)', async () => {
      fake.enqueue({ type: 'stall', chunks: ['still here'] });
      const cancel = new CancellationTokenSource();
      const pending = server.chat({ messages: [{ role: 'user', content: 'go' }] }, { cancel });
      const request = await fake.waitForRequest();
      await assert.rejects(fake.waitForHangUp(request, 300));
      assert.equal(request.clientHungUp, false);
      cancel.cancel();
      await pending;
      await fake.waitForHangUp(request, 2000);
    });
  });
}
