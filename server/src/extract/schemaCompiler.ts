/**
 * Compiles user JSON Schemas with ajv (+ ajv-formats) and caches the validators. A cache entry belongs to
 * one schema source and remembers the text it was compiled from: a changed file misses and recompiles,
 * and `invalidate()` drops an entry as soon as the file watcher reports a change.
 */
import { createHash } from 'node:crypto';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { importOnce } from '../importOnce';
import { checkSchemaSafety } from './schemaSafety';

/** A compiled schema, or why it cannot be used. */
export type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; problem: string };

/** ajv, imported on first use (see ajvRuntime.ts). */
const ajvRuntime = importOnce(() => import('./ajvRuntime'));

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
export async function metaValidate(schema: unknown): Promise<ErrorObject[]> {
  const ajv = (await ajvRuntime()).newAjv(schema);
  if (ajv.validateSchema(schema as object) === true) {
    return [];
  }
  return [...(ajv.errors ?? [])];
}

/** Checks safety, meta-validates and compiles; never throws. */
export async function compileSchema(schema: unknown, textBytes: number): Promise<Compiled> {
  const unsafe = checkSchemaSafety(schema, textBytes);
  if (unsafe) {
    return { ok: false, problem: unsafe.problem };
  }
  const metaErrors = await metaValidate(schema);
  if (metaErrors.length > 0) {
    return { ok: false, problem: `it is not a valid JSON Schema: ${formatAjvErrors(metaErrors).join('; ')}` };
  }
  try {
    return { ok: true, validate: (await ajvRuntime()).newAjv(schema).compile(schema as object) };
  } catch (error) {
    return { ok: false, problem: `ajv could not compile it: ${(error as Error).message}` };
  }
}

export class SchemaCompiler {
  private readonly cache = new Map<string, { hash: string; compiled: Compiled }>();

  /** The compiled schema for `source` (a built-in id, a file URI, or `inline`), from cache when its text is unchanged. */
  async get(source: string, schema: unknown, text: string): Promise<Compiled> {
    const hash = createHash('sha256').update(text).digest('hex');
    const cached = this.cache.get(source);
    if (cached?.hash === hash) {
      return cached.compiled;
    }
    const compiled = await compileSchema(schema, Buffer.byteLength(text));
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
