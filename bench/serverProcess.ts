/**
 * The language server as the editor runs it: `node dist/server/server.js --stdio` in its own process,
 * driven by a plain LSP client (vscode-languageserver-protocol over its stdio, no VS Code), configured to
 * call a fake provider (the pipeline figures start one in its own process, the memory figures use one in
 * the bench's process), with the Node flags and process environment the extension starts it with
 * (serverNodeFlags, serverProcessEnvironment).
 * Also reads the process's resident memory from /proc, right away or once the process has been at rest.
 * TOLLGATE_BENCH_SERVER_NODE_ARGS (space-separated) adds Node flags to the server, to try e.g. a heap cap.
 */
import { randomUUID } from 'node:crypto';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource, ExitNotification, ShutdownRequest } from 'vscode-languageserver-protocol/node';
import { serverNodeFlags, serverProcessEnvironment } from '../server/src/nodeFlags';
import { ChatRequest, type ChatParams, type ChatResult } from '../server/src/protocol';
import type { FakeProvider } from '../test/fake-provider';
import { connectAsEditor } from '../test/unit/support/lspHarness';

/** A model with an explicit price, and limits no benchmark reaches: the bench measures speed, not refusals. */
export const benchModel = 'bench-model';
export const benchSettings = (fake: Pick<FakeProvider, 'anthropicBaseUrl'>) => ({
  provider: 'anthropic',
  model: benchModel,
  anthropic: { baseUrl: fake.anthropicBaseUrl },
  budget: { dailyUsd: 1_000_000 },
  rateLimit: { requestsPerSecond: 10_000, burst: 10_000 },
  pricing: { [benchModel]: { inputPerMTok: 3, outputPerMTok: 15 } },
});
export const benchKey = 'sk-ant-bench-0000';

/**
 * How long the process is left alone before `restingRssMb` reads it: past the server's idle collection
 * (1 s after its last request, server/src/idleCollection.ts) and V8's memory reducer, which that full GC
 * arms for 8 s later and which runs up to three memory-reducing GCs 0.5 s apart.
 */
export const REST_MS = 12_000;

export interface TimedChat {
  /** ms from sending the request to the first partial result. */
  firstDeltaMs: number;
  /** ms from sending the request to its response (every partial result precedes it). */
  totalMs: number;
  /** Characters received as partial results: must equal the answer's length. */
  streamedChars: number;
  result: ChatResult;
}

export interface ServerProcess {
  pid: number;
  chat(params: Omit<ChatParams, 'partialResultToken'>): Promise<TimedChat>;
  /** The process's resident set (VmRSS) in MB. */
  rssMb(): number;
  /**
   * VmRSS in MB after the process has been left alone (no request sent) for `REST_MS`: what a user's server,
   * idle between chats almost all the time, holds once it has collected the garbage of its last requests.
   */
  restingRssMb(): Promise<number>;
  stop(): Promise<void>;
}

export async function startServerProcess(serverJs: string, fake: Pick<FakeProvider, 'anthropicBaseUrl'>): Promise<ServerProcess> {
  const storage = mkdtempSync(join(tmpdir(), 'tollgate-bench-storage-'));
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...serverNodeFlags, ...(process.env['TOLLGATE_BENCH_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? []), serverJs, '--stdio', '--storage', storage], {
    env: { ...serverProcessEnvironment, PATH: process.env['PATH'], ANTHROPIC_API_KEY: benchKey },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const editor = await connectAsEditor(child.stdout, child.stdin, { settings: benchSettings(fake) });
  const { connection } = editor;
  const rssMb = (): number => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kb === undefined) {
      throw new Error(`/proc/${child.pid}/status has no VmRSS line.`);
    }
    return Number(kb) / 1024;
  };

  return {
    pid: child.pid ?? -1,
    async chat(params) {
      const partialResultToken = randomUUID();
      let firstDeltaAt: number | undefined;
      let streamedChars = 0;
      const subscription = connection.onProgress(ChatRequest.type, partialResultToken, (value) => {
        firstDeltaAt ??= performance.now();
        for (const delta of Array.isArray(value) ? value : [value]) {
          streamedChars += delta.text.length;
        }
      });
      const started = performance.now();
      try {
        const result = await connection.sendRequest(
          ChatRequest.type,
          { ...params, partialResultToken },
          new CancellationTokenSource().token,
        );
        const ended = performance.now();
        return { firstDeltaMs: (firstDeltaAt ?? ended) - started, totalMs: ended - started, streamedChars, result };
      } catch (error) {
        throw new Error(`The server refused a benchmark chat: ${String(error)}\n${stderr}\n${editor.logLines.slice(-5).join('\n')}`);
      } finally {
        subscription.dispose();
      }
    },
    rssMb,
    async restingRssMb() {
      await new Promise((resolve) => setTimeout(resolve, REST_MS));
      return rssMb();
    },
    async stop() {
      await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
      await connection.sendNotification(ExitNotification.type).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
      rmSync(storage, { recursive: true, force: true });
    },
  };
}
