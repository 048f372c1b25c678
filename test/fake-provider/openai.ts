// OpenAI Chat Completions on the wire (provider-wire.md §2): `POST /v1/chat/completions`, JSON or SSE of bare
// `data:` lines ended by `data: [DONE]`, usage only in a final `choices: []` chunk and only when asked for,
// `x-request-id` header.
import type { AnswerFinish, AnswerPlan, ModelRequest } from './answer';
import type { Dialect } from './dialect';
import { type ErrorReply, openaiBadRequest, openaiHttpError, openaiMissingKey, openaiStreamErrorBody } from './errors';
import type { ScenarioUsage } from './scenario';
import type { StreamStep } from './sse';

const SYSTEM_FINGERPRINT = 'fp_fake0001';

function finishReason(finish: AnswerFinish): string {
  switch (finish) {
    case 'end':
    case 'refusal':
      // A refusal is an ordinary stop; the text arrives in `refusal` instead of `content`.
      return 'stop';
    case 'maxTokens':
      return 'length';
    case 'contentFilter':
      return 'content_filter';
  }
}

/** `prompt_tokens` includes the cached tokens, which are then broken out in `prompt_tokens_details`. */
function usageBody(usage: ScenarioUsage): Record<string, unknown> {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const promptTokens = usage.inputTokens + cacheRead + cacheWrite;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: promptTokens + usage.outputTokens,
    prompt_tokens_details: {
      cached_tokens: cacheRead,
      audio_tokens: 0,
      ...(usage.cacheWriteTokens === undefined ? {} : { cache_write_tokens: cacheWrite }),
    },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The completion id shares the request's serial number, so a test can tell which request produced it. */
function completionId(request: ModelRequest): string {
  return request.requestId.replace(/^req_/, 'chatcmpl-');
}

/** One second-resolution timestamp per request, the same in every chunk like the real API. */
const createdAt = new WeakMap<ModelRequest, number>();
function created(request: ModelRequest): number {
  const known = createdAt.get(request);
  if (known !== undefined) {
    return known;
  }
  const now = Math.floor(Date.now() / 1000);
  createdAt.set(request, now);
  return now;
}

function json(plan: AnswerPlan, request: ModelRequest): unknown {
  const text = plan.blocks.flat().join('');
  const refused = plan.finish === 'refusal';
  return {
    id: completionId(request),
    object: 'chat.completion',
    created: created(request),
    model: request.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: refused ? null : text, refusal: refused ? text : null, annotations: [] },
        logprobs: null,
        finish_reason: finishReason(plan.finish),
      },
    ],
    usage: usageBody(plan.usage),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

function stream(plan: AnswerPlan, request: ModelRequest): StreamStep[] {
  const refused = plan.finish === 'refusal';
  const chunk = (choices: unknown[], usage?: unknown): string =>
    JSON.stringify({
      id: completionId(request),
      object: 'chat.completion.chunk',
      created: created(request),
      model: request.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      // Without stream_options.include_usage there is no usage field at all; with it, null until the last chunk.
      ...(request.includeUsage ? { usage: usage ?? null } : {}),
    });
  const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const steps: StreamStep[] = [
    // The stream helper needs the role in the first delta ("missing role for choice 0" otherwise).
    {
      sse: {
        data: chunk([choice(refused ? { role: 'assistant', content: null, refusal: '' } : { role: 'assistant', content: '', refusal: null })]),
      },
    },
  ];
  for (const text of plan.blocks.flat()) {
    steps.push({ sse: { data: chunk([choice(refused ? { refusal: text } : { content: text })]) }, chunk: true });
  }
  steps.push({ sse: { data: chunk([choice({}, finishReason(plan.finish))]) }, closing: true });
  if (request.includeUsage) {
    steps.push({ sse: { data: chunk([], usageBody(plan.usage)) }, closing: true });
  }
  steps.push({ sse: { data: '[DONE]' }, closing: true });
  return steps;
}

function validate(body: Record<string, unknown>): ErrorReply | null {
  if (typeof body.model !== 'string') {
    return openaiBadRequest('you must provide a model parameter', null, null);
  }
  if (!Array.isArray(body.messages)) {
    return openaiBadRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (body.messages.length === 0) {
    return openaiHttpError('invalidRequest', body.model, '');
  }
  return null;
}

/** Rate-limit headers with plausible values; `*-reset` is a Go-style duration, unlike Anthropic's timestamps. */
function headers(requestId: string): Record<string, string> {
  return {
    'x-request-id': requestId,
    'openai-version': '2020-10-01',
    'openai-processing-ms': '42',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-tokens': '29999000',
    'x-ratelimit-reset-tokens': '2ms',
  };
}

export const openaiDialect: Dialect = {
  api: 'openai',
  path: '/v1/chat/completions',
  headers,
  validate,
  notJson: () =>
    openaiBadRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
        'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you ' +
        'have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)',
      null,
      null,
    ),
  missingKey: () => openaiMissingKey(),
  json,
  stream,
  httpError: (kind, request, message) => openaiHttpError(kind, request.model, request.apiKey, message),
  streamError: (kind) => ({ data: JSON.stringify(openaiStreamErrorBody(kind)) }),
};
