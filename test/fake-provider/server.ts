// The fake provider's HTTP server: routes model requests to the right dialect, checks the key, records
// every request, hands out scenarios FIFO, and serves the control endpoints for out-of-process tests.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { estimateTokens, lastUserText, type ModelRequest, requestText } from './answer';
import { anthropicDialect } from './anthropic';
import { handleControl } from './control';
import type { Api, Dialect } from './dialect';
import { anthropicNotFound, type ErrorReply, openaiNotFound } from './errors';
import { isRecord, parseJson } from './json';
import { openaiDialect } from './openai';
import { respond, sendJson } from './respond';
import type { Scenario } from './scenario';
import { requestedSchema } from './structured';

/** One model request as the fake saw it, updated live while its response is in flight. */
export interface RecordedRequest {
  api: Api;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** The body asked for `stream: true`. */
  stream: boolean;
  /** The client closed the connection before the response ended. */
  clientHungUp: boolean;
  /** The response was completely written. */
  responseEnded: boolean;
  /** The id sent in `request-id` (Anthropic) / `x-request-id` (OpenAI); the SDKs expose it as `requestID`. */
  requestId: string;
  /** The scenario this request took from the queue; null for the default answer or a request rejected first. */
  scenario: Scenario | null;
}

export interface FakeProvider {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The Anthropic SDK's `baseURL` (it appends /v1/messages). */
  anthropicBaseUrl: string;
  /** The OpenAI SDK's `baseURL`: http://127.0.0.1:PORT/v1 */
  openaiBaseUrl: string;
  /** Queues scenarios; each model request (either API) takes the next one, FIFO. */
  enqueue(...scenarios: Scenario[]): void;
  /** Every model request, in arrival order. */
  requests: RecordedRequest[];
  /** Resolves with the `count`-th request (1-based; default: the next new one) once it has arrived. */
  waitForRequest(count?: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Resolves once the client closed `request`'s connection before its response ended. */
  waitForHangUp(request: RecordedRequest, timeoutMs?: number): Promise<void>;
  /** Clears the queue and the records. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /**
   * false: answer requests that carry no key, like a local OpenAI-compatible server without auth (Ollama,
   * LM Studio, llama.cpp). Default true, like the real providers: no key is a 401.
   */
  requireKey?: boolean;
}

const DEFAULT_WAIT_MS = 5000;
const DIALECTS: readonly Dialect[] = [anthropicDialect, openaiDialect];

/** The key from `x-api-key` (Anthropic 0.x, cURL) or `Authorization: Bearer` (Anthropic 1.x, OpenAI). */
function apiKey(headers: IncomingHttpHeaders): string {
  const xApiKey = headers['x-api-key'];
  if (typeof xApiKey === 'string' && xApiKey !== '') {
    return xApiKey;
  }
  return /^Bearer\s+(\S+)/i.exec(headers.authorization ?? '')?.[1] ?? '';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

class FakeProviderServer implements FakeProvider {
  constructor(private readonly requireKey: boolean) {}

  url = '';
  anthropicBaseUrl = '';
  openaiBaseUrl = '';
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Scenario[] = [];
  /** Re-checks every pending wait whenever a record changes. */
  private readonly listeners = new Set<() => void>();
  private serial = 0;
  private closing = false;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((error: unknown) => {
      // A bug in the fake must not look like a provider answer: fail the connection loudly.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${hostPart}:${address.port}`;
    this.anthropicBaseUrl = this.url;
    this.openaiBaseUrl = `${this.url}/v1`;
  }

  enqueue(...scenarios: Scenario[]): void {
    this.queue.push(...scenarios);
  }

  waitForRequest(count?: number, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedRequest> {
    const target = count ?? this.requests.length + 1;
    return this.waitFor(
      () => this.requests[target - 1],
      timeoutMs,
      `request #${target} (${this.requests.length} arrived so far)`,
    );
  }

  async waitForHangUp(request: RecordedRequest, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await this.waitFor(() => (request.clientHungUp ? true : undefined), timeoutMs, `the client to hang up request ${request.requestId}`);
  }

  reset(): void {
    this.queue.length = 0;
    // Emptied in place: callers may hold a reference to `requests`.
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.closing = true;
    // Stalled responses never end on their own; closeAllConnections ends them so close() can finish.
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Fake provider: timed out after ${timeoutMs} ms waiting for ${what}.`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Request ids count up across resets, so a record can never be confused with an earlier one. */
  private nextRequestId(): string {
    this.serial += 1;
    return `req_fake${String(this.serial).padStart(6, '0')}`;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const text = await readBody(req);
    if (path.startsWith('/__fake/')) {
      handleControl(method, path, text, res, this);
      return;
    }
    const dialect = DIALECTS.find((candidate) => candidate.path === path && method === 'POST');
    if (dialect === undefined) {
      this.notFound(req, res, method, path);
      return;
    }
    const requestId = this.nextRequestId();
    const body = parseJson(text);
    const record: RecordedRequest = {
      api: dialect.api,
      method,
      path,
      headers: { ...req.headers },
      body,
      stream: isRecord(body) && body.stream === true,
      clientHungUp: false,
      responseEnded: false,
      requestId,
      scenario: null,
    };
    let destroyedByFake = false;
    res.on('finish', () => {
      record.responseEnded = true;
      this.changed();
    });
    res.on('close', () => {
      if (!res.writableFinished && !destroyedByFake && !this.closing) {
        record.clientHungUp = true;
        this.changed();
      }
    });
    this.requests.push(record);
    this.changed();

    const refuse = (reply: ErrorReply) => sendJson(res, reply.status, dialect.headers(requestId), reply.body);
    const key = apiKey(req.headers);
    if (key === '' && this.requireKey) {
      refuse(dialect.missingKey(requestId));
      return;
    }
    if (!isRecord(body)) {
      refuse(dialect.notJson(requestId));
      return;
    }
    const invalid = dialect.validate(body, req.headers, requestId);
    if (invalid !== null) {
      refuse(invalid);
      return;
    }
    const request: ModelRequest = {
      requestId,
      model: String(body.model),
      stream: record.stream,
      includeUsage: isRecord(body.stream_options) && body.stream_options.include_usage === true,
      apiKey: key,
      inputTokens: estimateTokens(requestText(body)),
      lastUserText: lastUserText(body),
      outputSchema: requestedSchema(body),
    };
    const scenario = this.queue.shift();
    record.scenario = scenario ?? null;
    const destroy = () => {
      destroyedByFake = true;
      res.socket?.destroy();
    };
    await respond(dialect, request, { res, destroy }, scenario);
  }

  /** Unknown paths get the 404 of whichever provider the request looks like (Anthropic sends a version header). */
  private notFound(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
    const requestId = this.nextRequestId();
    const anthropic = req.headers['anthropic-version'] !== undefined || req.headers['x-api-key'] !== undefined;
    const reply = anthropic ? anthropicNotFound(requestId) : openaiNotFound(method, path);
    const dialect = anthropic ? anthropicDialect : openaiDialect;
    sendJson(res, reply.status, dialect.headers(requestId), reply.body);
  }
}

/** Starts a fake Anthropic + OpenAI server on 127.0.0.1 (a random port unless `port` is given). */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const fake = new FakeProviderServer(options.requireKey ?? true);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return fake;
}
