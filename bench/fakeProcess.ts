/**
 * The fake provider in a process of its own (test/fake-provider/cli.ts), scripted over its /__fake/*
 * control endpoints. The time-to-first-delta and throughput figures use it so that the raw SDK and the
 * pipeline reach the provider the same way — over a socket to another process, as every real provider
 * is. With the fake inside the bench process, the raw SDK and the fake shared one event loop (no process
 * switch at all for the raw SDK's request and answer) while the server paid one each way, so the
 * subtraction charged Tollgate for the provider hop; and the bench's LSP client competed with the fake
 * for that event loop while the first delta arrived.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FakeProvider, Scenario } from '../test/fake-provider';

export interface FakeProcess extends Pick<FakeProvider, 'url' | 'anthropicBaseUrl' | 'openaiBaseUrl'> {
  /** Queues scenarios for the next requests; resolves once the fake has them. */
  enqueue(...scenarios: Scenario[]): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeProcess(): Promise<FakeProcess> {
  const cli = join(import.meta.dirname, '..', 'test', 'fake-provider', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`The fake provider process exited (code ${code}) before it listened.`)));
  });
  const where = JSON.parse(firstLine) as Pick<FakeProvider, 'url' | 'anthropicBaseUrl' | 'openaiBaseUrl'>;
  return {
    ...where,
    async enqueue(...scenarios) {
      const response = await fetch(`${where.url}/__fake/scenarios`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenarios }),
      });
      if (!response.ok) {
        throw new Error(`The fake provider refused the scenarios: ${await response.text()}`);
      }
      await response.arrayBuffer();
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
