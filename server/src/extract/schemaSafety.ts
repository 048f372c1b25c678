/**
 * Refuses schemas that would make Tollgate fetch from the network, hang, or blow up, before ajv ever sees
 * them. ajv itself would happily compile a catastrophic `pattern` (and then spend minutes in one
 * `RegExp.test`), and would try to resolve a remote `$ref` if a loader were configured; neither may
 * happen inside the language server, which also serves every other request.
 */

/** Larger schema texts are refused: no real extraction schema needs a megabyte. */
export const MAX_SCHEMA_BYTES = 1024 * 1024;
/** Deeper nesting is refused rather than walked. */
const MAX_DEPTH = 64;
/** More subschemas than this is refused: compiling and sending them would be slow for no benefit. */
const MAX_NODES = 20_000;

export type SafetyProblem = { problem: string };

/**
 * A nested unbounded quantifier — `(a+)+`, `(\w*)*`, `(x+){2,}` — the classic shape of catastrophic
 * backtracking. A heuristic: it flags some harmless patterns and misses exotic ones (alternation overlap
 * such as `(a|a)*`, which is also checked below), but it keeps the common footgun out.
 */
const nestedQuantifier = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/;
/** `(a|a)*`, `(x|x?)+`: a quantified group whose alternatives repeat one another. */
const overlappingAlternation = /\(([^()|\\]+)\|\1\??\)(?:[+*]|\{\d+,\d*\})/;

/** Why `pattern` is refused, or undefined when it is acceptable. */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return `the pattern "${pattern}" is not a valid regular expression`;
  }
  if (nestedQuantifier.test(pattern) || overlappingAlternation.test(pattern)) {
    return `the pattern "${pattern}" nests repetition inside repetition, which can take exponential time to match`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes a `#/a/b~1c` fragment into path segments; undefined for anything that is not a JSON pointer. */
function pointerSegments(ref: string): string[] | undefined {
  if (ref === '#') {
    return [];
  }
  if (!ref.startsWith('#/')) {
    return undefined;
  }
  return ref
    .slice(2)
    .split('/')
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolvePointer(root: unknown, segments: string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      node = node[Number(segment)];
    } else if (isRecord(node)) {
      node = node[segment];
    } else {
      return undefined;
    }
  }
  return node;
}

function findAnchor(root: unknown, anchor: string): unknown {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isRecord(node)) {
      if (node.$anchor === anchor || node.$dynamicAnchor === anchor) {
        return node;
      }
      stack.push(...Object.values(node));
    } else if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
    }
  }
  return undefined;
}

/**
 * Checks a parsed schema and the size of its text. Returns the first problem found, as the end of a
 * sentence ("… because it uses a remote $ref"), or undefined when the schema is safe to compile.
 */
export function checkSchemaSafety(schema: unknown, textBytes: number): SafetyProblem | undefined {
  if (textBytes > MAX_SCHEMA_BYTES) {
    return { problem: `it is ${(textBytes / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit for extraction schemas` };
  }
  if (!isRecord(schema) && typeof schema !== 'boolean') {
    return { problem: 'a JSON Schema must be an object (or true/false)' };
  }
  let nodes = 0;
  /** Targets whose subtree was fully walked without finding a cycle. */
  const cleared = new Set<unknown>();

  // Walks the schema, following each local $ref into its target; meeting a target already on the
  // current path means the schema refers to itself: recursive.
  const walk = (node: unknown, depth: number, onPath: Set<unknown>): string | undefined => {
    if (++nodes > MAX_NODES) {
      return `it has more than ${MAX_NODES} subschemas`;
    }
    if (depth > MAX_DEPTH) {
      return `it nests deeper than ${MAX_DEPTH} levels`;
    }
    if (Array.isArray(node)) {
      for (const item of node) {
        const problem = walk(item, depth + 1, onPath);
        if (problem) {
          return problem;
        }
      }
      return undefined;
    }
    if (!isRecord(node)) {
      return undefined;
    }
    for (const key of ['$dynamicRef', '$recursiveRef']) {
      if (typeof node[key] === 'string') {
        return `it uses ${key}, and recursive schemas are not supported for extraction`;
      }
    }
    if (typeof node.pattern === 'string') {
      const problem = patternProblem(node.pattern);
      if (problem) {
        return problem;
      }
    }
    if (isRecord(node.patternProperties)) {
      for (const pattern of Object.keys(node.patternProperties)) {
        const problem = patternProblem(pattern);
        if (problem) {
          return problem;
        }
      }
    }
    if (typeof node.$ref === 'string') {
      const ref = node.$ref;
      if (!ref.startsWith('#')) {
        return `it uses the remote $ref "${ref}", and Tollgate never fetches schemas from the network or other files`;
      }
      const segments = pointerSegments(ref);
      const target = segments ? resolvePointer(schema, segments) : findAnchor(schema, ref.slice(1));
      if (target === undefined) {
        return `its $ref "${ref}" points to nothing in the schema`;
      }
      if (onPath.has(target)) {
        return `it is recursive ($ref "${ref}" refers back to a schema that contains it), and recursive schemas are not supported for extraction`;
      }
      if (!cleared.has(target)) {
        onPath.add(target);
        const problem = walk(target, depth + 1, onPath);
        onPath.delete(target);
        if (problem) {
          return problem;
        }
        cleared.add(target);
      }
    }
    onPath.add(node);
    try {
      for (const [key, value] of Object.entries(node)) {
        // Annotations and enum/const values are data, not subschemas.
        if (key === 'enum' || key === 'const' || key === 'examples' || key === 'default') {
          continue;
        }
        const problem = walk(value, depth + 1, onPath);
        if (problem) {
          return problem;
        }
      }
    } finally {
      onPath.delete(node);
    }
    return undefined;
  };

  const problem = walk(schema, 0, new Set());
  return problem === undefined ? undefined : { problem };
}
