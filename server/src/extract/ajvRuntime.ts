/**
 * ajv itself (three drafts + ajv-formats), imported by schemaCompiler.ts only when a schema is first
 * meta-validated or compiled. A server that never extracts and has no schema files in its workspace
 * never loads it: in the ES module server bundle this file and ajv are a chunk of their own
 * (scripts/serverBuild.mjs), ~150 KB that would otherwise be parsed and run at every start.
 */
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export type AnyAjv = Ajv | Ajv2019 | Ajv2020;

/** The ajv class that speaks the schema's declared draft; draft-07 (ajv's default) when it declares none. */
export function newAjv(schema: unknown): AnyAjv {
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
