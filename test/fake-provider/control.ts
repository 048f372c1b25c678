// Control endpoints, so a test or demo in another process (e2e VS Code, the offline demo) can script the
// fake over HTTP: POST /__fake/scenarios, GET /__fake/requests, POST /__fake/reset.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { sendJson } from './respond';
import { enqueueRequestSchema } from './scenario';
import type { FakeProvider } from './server';

/** The part of the fake the control endpoints act on. */
type ControlTarget = Pick<FakeProvider, 'enqueue' | 'requests' | 'reset'>;

function fail(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, {}, { error: { message } });
}

/** Enqueues `{ "scenarios": Scenario[] }` after validating it; garbage is a 400 that says what is wrong. */
function enqueue(text: string, res: ServerResponse, target: ControlTarget): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(res, 400, 'The body is not JSON. Send {"scenarios": [...]} with Content-Type: application/json.');
    return;
  }
  const parsed = enqueueRequestSchema.safeParse(json);
  if (!parsed.success) {
    fail(res, 400, `The scenarios are invalid, nothing was queued:\n${z.prettifyError(parsed.error)}`);
    return;
  }
  target.enqueue(...parsed.data.scenarios);
  sendJson(res, 200, {}, { queued: parsed.data.scenarios.length });
}

export function handleControl(method: string, path: string, text: string, res: ServerResponse, target: ControlTarget): void {
  const route = `${method} ${path}`;
  switch (route) {
    case 'POST /__fake/scenarios':
      enqueue(text, res, target);
      return;
    case 'GET /__fake/requests':
      sendJson(res, 200, {}, target.requests);
      return;
    case 'POST /__fake/reset':
      target.reset();
      sendJson(res, 200, {}, { reset: true });
      return;
    default:
      fail(res, 404, `Unknown control endpoint ${route}. Use POST /__fake/scenarios, GET /__fake/requests or POST /__fake/reset.`);
  }
}
