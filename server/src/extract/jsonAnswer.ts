/**
 * Reads JSON out of a model's prompted answer. Models asked for "only JSON" still wrap it in ```json
 * fences or a sentence of preamble often enough that refusing those would waste a paid attempt.
 */

const fenced = /```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)\r?\n?```/;

/** The answer's JSON text: the first fenced block if there is one, else from the first `{`/`[` to the last `}`/`]`. */
export function stripToJson(answer: string): string {
  const block = fenced.exec(answer);
  if (block?.[1] !== undefined) {
    return block[1].trim();
  }
  const trimmed = answer.trim();
  const start = trimmed.search(/[[{]/);
  const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}

export type ParsedAnswer = { ok: true; value: unknown } | { ok: false; error: string };

export function parseAnswer(answer: string): ParsedAnswer {
  const json = stripToJson(answer);
  if (json === '') {
    return { ok: false, error: '(root) the answer was empty, not JSON' };
  }
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (error) {
    return { ok: false, error: `(root) the answer is not valid JSON: ${(error as Error).message}` };
  }
}
