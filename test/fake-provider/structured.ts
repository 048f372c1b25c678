// Structured output for the default answer: when a request asks for JSON that follows a schema (Anthropic
// `output_config.format`, OpenAI `response_format`), the offline demo answers with a minimal instance of that
// schema instead of prose, so "Extract entities" works without a real model.
import { isRecord } from './json';

/** Schema nesting deeper than this is answered with null rather than followed (recursive schemas). */
const MAX_DEPTH = 12;
const DEMO_STRING = 'Offline demo';

/**
 * The JSON Schema the request asks the answer to follow, or undefined for a prose request. Anthropic:
 * `output_config.format` (GA) or `output_format` (beta) of type `json_schema`; OpenAI: `response_format` of type
 * `json_schema` (its schema) or `json_object` (any object).
 */
export function requestedSchema(body: Record<string, unknown>): unknown {
  const outputConfig = isRecord(body.output_config) ? body.output_config : {};
  const anthropicFormat = outputConfig.format ?? body.output_format;
  if (isRecord(anthropicFormat) && anthropicFormat.type === 'json_schema') {
    return anthropicFormat.schema;
  }
  const responseFormat = body.response_format;
  if (isRecord(responseFormat) && responseFormat.type === 'json_schema') {
    return isRecord(responseFormat.json_schema) ? responseFormat.json_schema.schema : undefined;
  }
  if (isRecord(responseFormat) && responseFormat.type === 'json_object') {
    return { type: 'object' };
  }
  return undefined;
}

/** A string that meets `minLength`/`maxLength`; patterns and formats are not synthesised. */
function sampleString(schema: Record<string, unknown>): string {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  if (schema.pattern !== undefined || schema.format !== undefined || max < DEMO_STRING.length) {
    return 'x'.repeat(min);
  }
  return DEMO_STRING.padEnd(min, '.');
}

function sampleNumber(schema: Record<string, unknown>, integer: boolean): number {
  const value =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + (integer ? 1 : 0.5)
        : 0;
  return typeof schema.maximum === 'number' ? Math.min(value, schema.maximum) : value;
}

/** A minimal value valid against common JSON Schema keywords: required properties only, minItems items. */
export function sampleValue(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > MAX_DEPTH) {
    return null;
  }
  if ('const' in schema) {
    return schema.const;
  }
  if (Array.isArray(schema.enum)) {
    return schema.enum[0];
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) {
    return sampleValue(alternatives[0], depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [];
      return Object.fromEntries(required.map((key) => [key, sampleValue(properties[key], depth + 1)]));
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: count }, () => sampleValue(schema.items, depth + 1));
    }
    case 'string':
      return sampleString(schema);
    case 'number':
    case 'integer':
      return sampleNumber(schema, type === 'integer');
    case 'boolean':
      return false;
    default:
      return null;
  }
}
