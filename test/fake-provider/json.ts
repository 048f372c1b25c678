// Small helpers for request bodies, which are untyped JSON from the wire.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed JSON, or the text itself when it is not JSON (recorded as sent, answered with the provider's 400). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
