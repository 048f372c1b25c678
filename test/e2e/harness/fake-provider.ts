// The fake provider as a separate process (as a user's provider is: another address the language server
// calls), started the way `npm start` starts it, and scripted over its HTTP control endpoints.
import { join } from 'node:path';
import type { Scenario } from '../../fake-provider/scenario';
import type { RecordedRequest } from '../../fake-provider/server';
import { artifactPath, repoRoot } from './paths';
import { startProcess, type OwnedProcess } from './process';
import type { Teardown } from './teardown';

export interface FakeProviderAddress {
  url: string;
  anthropicBaseUrl: string;
  openaiBaseUrl: string;
}


export type { RecordedRequest };

export interface FakeProvider extends FakeProviderAddress {
  process: OwnedProcess;
  /** Queues scenarios: each later provider request consumes the next one (empty queue: offline demo). */
  enqueue(scenarios: Scenario[]): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  reset(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const CONTROL_TIMEOUT_MS = 5_000;

export async function startFakeProvider(teardown: Teardown, name: string, port = 0): Promise<FakeProvider> {
  const root = repoRoot();
  const child = startProcess(
    process.execPath,
    ['--import', 'tsx', join('test', 'fake-provider', 'cli.ts'), '--port', String(port)],
    { cwd: root, env: process.env, logFile: artifactPath(`${name}-fake-provider.log`) },
  );
  teardown.defer('stop the fake provider', () => child.stop());
  const address = await child.waitForLine(parseAddress, START_TIMEOUT_MS, 'the fake provider printed its address');

  const control = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(new URL(path, address.url), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`The fake provider answered ${method} ${path} with ${response.status}: ${text}`);
    }
    return text ? JSON.parse(text) : undefined;
  };

  return {
    ...address,
    process: child,
    enqueue: async (scenarios) => void (await control('POST', '/__fake/scenarios', { scenarios })),
    requests: async () => {
      const list = await control('GET', '/__fake/requests');
      if (!Array.isArray(list)) {
        throw new Error(`GET /__fake/requests returned no list: ${JSON.stringify(list)}`);
      }
      return list as RecordedRequest[];
    },
    reset: async () => void (await control('POST', '/__fake/reset')),
  };
}

/** The fake prints one JSON line with its addresses once it listens; any other line is ignored. */
function parseAddress(line: string): FakeProviderAddress | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) {
    return undefined;
  }
  try {
    const value = JSON.parse(trimmed) as Partial<FakeProviderAddress>;
    if (typeof value.url === 'string' && typeof value.anthropicBaseUrl === 'string' && typeof value.openaiBaseUrl === 'string') {
      return { url: value.url, anthropicBaseUrl: value.anthropicBaseUrl, openaiBaseUrl: value.openaiBaseUrl };
    }
  } catch {
    // Not the address line.
  }
  return undefined;
}
