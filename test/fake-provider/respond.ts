// Plays one scenario on one model request. Provider differences live in the Dialect; what is shared here is
// the choreography: when to send headers, pace deltas, cut a stream short, or kill the connection.
import type { ServerResponse } from 'node:http';
import { type AnswerFinish, type AnswerPlan, defaultAnswer, type ModelRequest, resolveUsage, words } from './answer';
import type { Dialect } from './dialect';
import type { ErrorReply } from './errors';
import type { HttpErrorScenario, Scenario, TextScenario } from './scenario';
import { SSE_HEADERS, SseWriter, sleep, type StreamStep } from './sse';

/** The response side of one model request. */
export interface Exchange {
  res: ServerResponse;
  /** Destroys the connection on the fake's own initiative, so it is not recorded as a client hang-up. */
  destroy(): void;
}

/** Lets the last bytes leave the socket before the fake kills it mid-answer. */
const HANG_UP_GRACE_MS = 10;

export function sendJson(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function retryHeaders(scenario: HttpErrorScenario): Record<string, string> {
  return {
    ...(scenario.retryAfterSeconds === undefined ? {} : { 'retry-after': String(scenario.retryAfterSeconds) }),
    ...(scenario.retryAfterDate === undefined ? {} : { 'retry-after': scenario.retryAfterDate }),
    ...(scenario.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(scenario.retryAfterMs) }),
    ...(scenario.shouldRetry === undefined ? {} : { 'x-should-retry': String(scenario.shouldRetry) }),
  };
}

function textPlan(chunks: string[], request: ModelRequest, finish: AnswerFinish = 'end', rest: Partial<TextScenario> = {}): AnswerPlan {
  const blocks = [chunks, ...(rest.blocks ?? [])];
  return {
    blocks,
    finish,
    usage: resolveUsage(rest.usage, request, blocks),
    chunkDelayMs: rest.chunkDelayMs ?? 0,
    ...(rest.chunksPerSecond === undefined ? {} : { chunksPerSecond: rest.chunksPerSecond }),
    ...(rest.burst === undefined ? {} : { burst: rest.burst }),
    wire: rest.wire ?? {},
  };
}

/** Opens a 200 SSE response and writes its events; with `truncate`, stops before the normal ending. */
async function writeStream(
  dialect: Dialect,
  request: ModelRequest,
  ex: Exchange,
  plan: AnswerPlan,
  truncate: boolean,
): Promise<SseWriter> {
  ex.res.writeHead(200, { ...dialect.headers(request.requestId), ...SSE_HEADERS });
  // Headers go out now, so a client sees the response start even when no event follows (stall).
  ex.res.flushHeaders();
  ex.res.socket?.setNoDelay(true);
  const writer = new SseWriter(ex.res, plan.wire);
  const steps: StreamStep[] = dialect.stream(plan, request).filter((step) => !(truncate && step.closing));
  const burst = plan.burst === true && !plan.wire.splitWrites;
  const started = performance.now();
  let sentChunks = 0;
  for (const step of steps) {
    if (step.chunk && plan.chunksPerSecond !== undefined) {
      const due = started + (sentChunks * 1000) / plan.chunksPerSecond;
      sentChunks += 1;
      if (due > performance.now()) {
        await sleep(due - performance.now());
      }
    } else if (step.chunk && plan.chunkDelayMs > 0) {
      await sleep(plan.chunkDelayMs);
    }
    if (!writer.open) {
      break;
    }
    await (burst ? writer.sendBuffered(step.sse) : writer.send(step.sse));
  }
  return writer;
}

/** A complete answer: streamed or one JSON body, depending on the request. */
async function answer(dialect: Dialect, request: ModelRequest, ex: Exchange, plan: AnswerPlan): Promise<void> {
  if (!request.stream) {
    sendJson(ex.res, 200, dialect.headers(request.requestId), dialect.json(plan, request));
    return;
  }
  const writer = await writeStream(dialect, request, ex, plan, false);
  if (writer.open) {
    ex.res.end();
  }
}

function sendError(dialect: Dialect, request: ModelRequest, ex: Exchange, reply: ErrorReply, extra: Record<string, string> = {}): void {
  sendJson(ex.res, reply.status, { ...dialect.headers(request.requestId), ...extra }, reply.body);
}

/** Answers `request` as `scenario` says, or with the default demo answer when the queue was empty. */
export async function respond(dialect: Dialect, request: ModelRequest, ex: Exchange, scenario: Scenario | undefined): Promise<void> {
  if (scenario === undefined) {
    return answer(dialect, request, ex, defaultAnswer(request));
  }
  switch (scenario.type) {
    case 'text':
      return answer(dialect, request, ex, textPlan(scenario.chunks, request, scenario.stopReason ?? 'end', scenario));
    case 'contentFilter':
      return answer(dialect, request, ex, textPlan(scenario.chunks, request, 'contentFilter'));
    case 'refusal':
      return answer(dialect, request, ex, textPlan(words(scenario.text), request, 'refusal'));
    case 'httpError':
      sendError(dialect, request, ex, dialect.httpError(scenario.error, request, scenario.message), retryHeaders(scenario));
      return;
    case 'streamError': {
      if (!request.stream) {
        sendError(dialect, request, ex, dialect.httpError(scenario.error, request));
        return;
      }
      const plan = textPlan(scenario.chunks.slice(0, scenario.afterChunks), request);
      const writer = await writeStream(dialect, request, ex, plan, true);
      await writer.send(dialect.streamError(scenario.error, request));
      if (writer.open) {
        ex.res.end();
      }
      return;
    }
    case 'reset':
      ex.destroy();
      return;
    case 'stall':
      if (!request.stream) {
        ex.res.writeHead(200, { ...dialect.headers(request.requestId), 'content-type': 'application/json' });
        ex.res.flushHeaders();
        return;
      }
      // The response is left open on purpose: the client's hang-up or close() ends it.
      await writeStream(dialect, request, ex, textPlan(scenario.chunks ?? [], request), true);
      return;
    case 'hangUp': {
      const plan = textPlan(scenario.chunks, request);
      if (request.stream) {
        await writeStream(dialect, request, ex, plan, true);
      } else {
        const body = JSON.stringify(dialect.json(plan, request));
        ex.res.writeHead(200, { ...dialect.headers(request.requestId), 'content-type': 'application/json' });
        await new Promise<void>((resolve) => ex.res.write(body.slice(0, Math.floor(body.length / 2)), () => resolve()));
      }
      await sleep(HANG_UP_GRACE_MS);
      ex.destroy();
      return;
    }
  }
}
