// What each provider's wire writer provides to the shared request handler (respond.ts). One object per
// API keeps everything that differs between Anthropic and OpenAI behind the same small surface.
import type { IncomingHttpHeaders } from 'node:http';
import type { AnswerPlan, ModelRequest } from './answer';
import type { ErrorReply } from './errors';
import type { HttpErrorKind, StreamErrorKind } from './scenario';
import type { SseEvent, StreamStep } from './sse';

export type Api = 'anthropic' | 'openai';

export interface Dialect {
  api: Api;
  /** The model path this API serves, relative to the server root. */
  path: string;
  /** Headers on every model response: the request id (the SDKs read `err.requestID` from it) and rate limits. */
  headers(requestId: string): Record<string, string>;
  /** The provider's 400 for a body it would reject (missing required fields …), or null when it is acceptable. */
  validate(body: Record<string, unknown>, headers: IncomingHttpHeaders, requestId: string): ErrorReply | null;
  /** The 400 for a body that is not a JSON object. */
  notJson(requestId: string): ErrorReply;
  /** The 401 for a request without any key. */
  missingKey(requestId: string): ErrorReply;
  /** The whole non-streaming response body. */
  json(plan: AnswerPlan, request: ModelRequest): unknown;
  /** Every event of the streamed answer, tagged for pacing and truncation. */
  stream(plan: AnswerPlan, request: ModelRequest): StreamStep[];
  httpError(kind: HttpErrorKind, request: ModelRequest, message?: string): ErrorReply;
  /** The provider's error event inside a 200 stream. */
  streamError(kind: StreamErrorKind, request: ModelRequest): SseEvent;
}
