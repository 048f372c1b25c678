/**
 * Compiles user JSON Schemas with ajv (+ ajv-formats) and caches the validators. A cache entry belongs to
 * one schema source and remembers the text it was compiled from: a changed file misses and recompiles,
 * and `invalidate()` drops an entry as soon as the file watcher reports a change.
 */
import { createHash } from 'node:crypto';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { checkSchemaSafety } from './schemaSafety';

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

/** A compiled schema, or why it cannot be used. */
export type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; problem: string };

/** The ajv class that speaks the schema's declared draft; draft-07 (ajv's default) when it declares none. */
function newAjv(schema: unknown): AnyAjv {
  const declared = typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  const options = {
    allErrors: true,
    // User schemas often carry keywords of their own (x-*, editor hints); they must not stop compilation.
    strict: false,
    // Never load anything: schemaSafety already refuses remote $ref, this is the second lock.
    loadSchema: undefined,
  };
  const ajv =
    typeof declared === 'string' && declared.includes('2020-12')
      ? new Ajv2020(options)
      : typeof declared === 'string' && declared.includes('2019-09')
        ? new Ajv2019(options)
        : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

/** ajv's errors, one line each, exactly as ajv words them: what the model is shown when it must repair. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const where = error.instancePath === '' ? '(root)' : error.instancePath;
    const params = error.params as Record<string, unknown>;
    const extra =
      typeof params.additionalProperty === 'string'
        ? ` ("${params.additionalProperty}")`
        : Array.isArray(params.allowedValues)
          ? ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`
          : '';
    return `${where} ${error.message ?? 'is invalid'}${extra}`;
  });
}

/** Meta-validates a schema: the errors ajv reports against its draft's meta-schema, empty when valid. */
export function metaValidate(schema: unknown): ErrorObject[] {
  const ajv = newAjv(schema);
  if (ajv.validateSchema(schema as object) === true) {
    return [];
  }
  return [...(ajv.errors ?? [])];
}

/** Checks safety, meta-validates and compiles; never throws. */
export function compileSchema(schema: unknown, textBytes: number): Compiled {
  const unsafe = checkSchemaSafety(schema, textBytes);
  if (unsafe) {
    return { ok: false, problem: unsafe.problem };
  }
  const metaErrors = metaValidate(schema);
  if (metaErrors.length > 0) {
    return { ok: false, problem: `it is not a valid JSON Schema: ${formatAjvErrors(metaErrors).join('; ')}` };
  }
  try {
    return { ok: true, validate: newAjv(schema).compile(schema as object) };
  } catch (error) {
    return { ok: false, problem: `ajv could not compile it: ${(error as Error).message}` };
  }
}

export class SchemaCompiler {
  private readonly cache = new Map<string, { hash: string; compiled: Compiled }>();

  /** The compiled schema for `source` (a built-in id, a file URI, or `inline`), from cache when its text is unchanged. */
  get(source: string, schema: unknown, text: string): Compiled {
    const hash = createHash('sha256').update(text).digest('hex');
    const cached = this.cache.get(source);
    if (cached?.hash === hash) {
      return cached.compiled;
    }
    const compiled = compileSchema(schema, Buffer.byteLength(text));
    // Inline schemas differ per request; caching them would only grow the map.
    if (source !== 'inline') {
      this.cache.set(source, { hash, compiled });
    }
    return compiled;
  }

  /** Forgets a source's validator (its file changed or was deleted). */
  invalidate(source: string): void {
    this.cache.delete(source);
  }

  /** How many validators are cached, for tests. */
  get size(): number {
    return this.cache.size;
  }
}
