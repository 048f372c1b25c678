// Anthropic Messages on the wire (provider-wire.md §1): `POST /v1/messages`, JSON or SSE with mandatory
// `event:` lines, cumulative usage in `message_delta`, `request-id` header.
import type { IncomingHttpHeaders } from 'node:http';
import type { AnswerFinish, AnswerPlan, ModelRequest } from './answer';
import type { Dialect } from './dialect';
import {
  anthropicBadRequest,
  anthropicHttpError,
  anthropicMissingKey,
  anthropicStreamErrorBody,
  type ErrorReply,
} from './errors';
import type { ScenarioUsage } from './scenario';
import type { SseEvent, StreamStep } from './sse';

/** Sampling parameters API version 2026-10-21 removed: sending them is a 400 (provider-wire.md §1.1). */
const REMOVED_PARAMETERS = ['temperature', 'top_p', 'top_k'];
const REMOVED_SINCE_VERSION = '2026-10-21';

function stopReason(finish: AnswerFinish): string {
  switch (finish) {
    case 'end':
      return 'end_turn';
    case 'maxTokens':
      return 'max_tokens';
    case 'refusal':
    case 'contentFilter':
      // Anthropic has no content-filter finish reason; a filtered answer is a refusal.
      return 'refusal';
  }
}

function stopDetails(finish: AnswerFinish): unknown {
  return finish === 'refusal' || finish === 'contentFilter' ? { type: 'refusal', category: null, explanation: null } : null;
}

/** `input_tokens` excludes cache reads and writes, which have their own fields. */
function usageBody(usage: ScenarioUsage, outputTokens = usage.outputTokens): Record<string, unknown> {
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: usage.inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: usage.cacheReadTokens ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
    service_tier: 'standard',
  };
}

/** The message id shares the request's serial number, so a test can tell which request produced it. */
function messageId(request: ModelRequest): string {
  return request.requestId.replace(/^req_/, 'msg_');
}

function event(name: string, data: Record<string, unknown>): SseEvent {
  return { event: name, data: JSON.stringify({ type: name, ...data }) };
}

function json(plan: AnswerPlan, request: ModelRequest): unknown {
  return {
    id: messageId(request),
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: plan.blocks.map((chunks) => ({ type: 'text', text: chunks.join('') })),
    stop_reason: stopReason(plan.finish),
    stop_sequence: null,
    stop_details: stopDetails(plan.finish),
    usage: usageBody(plan.usage),
  };
}

function stream(plan: AnswerPlan, request: ModelRequest): StreamStep[] {
  const pings = plan.wire.pings ?? false;
  const ping: StreamStep = { sse: event('ping', {}) };
  const atEnd = plan.wire.usageOnlyAtEnd ?? false;
  const steps: StreamStep[] = [
    {
      sse: event('message_start', {
        message: {
          id: messageId(request),
          type: 'message',
          role: 'assistant',
          model: request.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          // The real API reports input counts up front and output_tokens 1; the quirk defers everything.
          usage: atEnd ? usageBody({ inputTokens: 0, outputTokens: 0 }) : usageBody(plan.usage, 1),
        },
      }),
    },
  ];
  plan.blocks.forEach((chunks, index) => {
    steps.push({ sse: event('content_block_start', { index, content_block: { type: 'text', text: '' } }) });
    if (pings) {
      steps.push(ping);
    }
    for (const text of chunks) {
      steps.push({ sse: event('content_block_delta', { index, delta: { type: 'text_delta', text } }), chunk: true });
      if (pings) {
        steps.push(ping);
      }
    }
    const last = index === plan.blocks.length - 1;
    steps.push({ sse: event('content_block_stop', { index }), closing: last });
  });
  steps.push(
    {
      sse: event('message_delta', {
        delta: { stop_reason: stopReason(plan.finish), stop_sequence: null, stop_details: stopDetails(plan.finish) },
        // Cumulative totals: the SDK overwrites its snapshot with these, it never adds them up.
        usage: atEnd ? usageBody(plan.usage) : { output_tokens: plan.usage.outputTokens },
      }),
      closing: true,
    },
    { sse: event('message_stop', {}), closing: true },
  );
  return steps;
}

function validate(body: Record<string, unknown>, headers: IncomingHttpHeaders, requestId: string): ErrorReply | null {
  if (typeof body.model !== 'string') {
    return anthropicBadRequest('model: Field required', requestId);
  }
  if (typeof body.max_tokens !== 'number') {
    return anthropicBadRequest('max_tokens: Field required', requestId);
  }
  if (!Array.isArray(body.messages)) {
    return anthropicBadRequest('messages: Field required', requestId);
  }
  if (body.messages.length === 0) {
    return anthropicBadRequest('messages: at least one message is required', requestId);
  }
  const version = headers['anthropic-version'];
  if (typeof version === 'string' && version >= REMOVED_SINCE_VERSION) {
    const removed = REMOVED_PARAMETERS.find((name) => name in body);
    if (removed !== undefined) {
      return anthropicBadRequest(`${removed}: Extra inputs are not permitted`, requestId);
    }
  }
  return null;
}

/** Rate-limit headers with plausible values; `*-reset` is an RFC 3339 timestamp, unlike OpenAI's durations. */
function headers(requestId: string): Record<string, string> {
  const reset = new Date(Math.ceil(Date.now() / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'request-id': requestId,
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': '400000',
    'anthropic-ratelimit-tokens-remaining': '399000',
    'anthropic-ratelimit-tokens-reset': reset,
  };
}

export const anthropicDialect: Dialect = {
  api: 'anthropic',
  path: '/v1/messages',
  headers,
  validate,
  notJson: (requestId) => anthropicBadRequest('The request body is not valid JSON.', requestId),
  missingKey: anthropicMissingKey,
  json,
  stream,
  httpError: (kind, request, message) => anthropicHttpError(kind, request.model, request.requestId, message),
  streamError: (kind, request) => ({
    event: 'error',
    data: JSON.stringify(anthropicStreamErrorBody(kind, request.requestId)),
  }),
};
