/**
 * Turns a user schema into the form a provider's native structured output accepts, or says it cannot.
 *
 * OpenAI strict mode (`response_format` json_schema, `strict: true`) accepts a subset: every object closed
 * (`additionalProperties: false`) with all its properties required, and only some keywords. A conversion
 * is used only when it is faithful — every answer the converted schema allows is also valid against the
 * original: closing an object and requiring an optional property only narrow what is allowed, so they
 * are done; dropping a validation keyword would widen it, so a schema using one (oneOf, minLength …)
 * goes the prompted way instead.
 *
 * Anthropic's structured output (`output_config.format`) takes most keywords but not numeric, length or
 * larger item-count constraints; like Anthropic's own SDK, those move into the `description`, and since
 * every answer is validated with ajv against the original schema anyway, a violation is repaired, never
 * returned.
 */
import type { ProviderId } from '../protocol';
import type { StructuredOutput } from '../providers/provider';

/** Annotations: dropping them changes nothing about what validates. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);

/** Keywords OpenAI strict mode understands (structured-outputs guide, "Supported schemas"). */
const OPENAI_KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', '$ref', '$defs',
  'definitions', 'description', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minItems', 'maxItems',
]);
const OPENAI_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

/** Keywords Anthropic's structured output understands as such. */
const ANTHROPIC_KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', 'allOf', '$ref', '$defs',
  'definitions', 'description', 'pattern', 'format',
]);
/** Constraints Anthropic does not enforce: moved into the description (ajv still enforces them). */
const ANTHROPIC_DESCRIBED = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems']);

/** Keywords whose value is a map of subschemas. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'definitions']);
/** Keywords whose value is a subschema or a list of them. */
const SCHEMA_VALUES = new Set(['items', 'anyOf', 'allOf', 'additionalProperties']);

class NotFaithful extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function convert(node: unknown, provider: ProviderId): unknown {
  if (Array.isArray(node)) {
    return node.map((item) => convert(item, provider));
  }
  if (!isRecord(node)) {
    if (typeof node === 'boolean') {
      throw new NotFaithful('boolean subschema');
    }
    return node;
  }
  const out: Record<string, unknown> = {};
  const described: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key)) {
      continue;
    }
    if (provider === 'openai') {
      if (!OPENAI_KEYWORDS.has(key) || (key === 'format' && !OPENAI_FORMATS.has(String(value)))) {
        throw new NotFaithful(key);
      }
    } else if (ANTHROPIC_DESCRIBED.has(key)) {
      if (key === 'minItems' && (value === 0 || value === 1)) {
        out[key] = value;
      } else {
        described.push(`${key}: ${JSON.stringify(value)}`);
      }
      continue;
    } else if (!ANTHROPIC_KEYWORDS.has(key)) {
      throw new NotFaithful(key);
    }
    if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, convert(sub, provider)]));
    } else if (SCHEMA_VALUES.has(key) && key !== 'additionalProperties') {
      out[key] = convert(value, provider);
    } else {
      out[key] = value;
    }
  }
  const isObject = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object')) || 'properties' in node;
  if (isObject) {
    // A free-form object (no properties) has no closed form that keeps its meaning.
    if (!isRecord(node.properties) || Object.keys(node.properties).length === 0) {
      throw new NotFaithful('object without properties');
    }
    if (node.additionalProperties !== undefined && node.additionalProperties !== false && node.additionalProperties !== true) {
      throw new NotFaithful('additionalProperties schema');
    }
    out.additionalProperties = false;
    if (provider === 'openai') {
      out.required = Object.keys(node.properties);
    }
  } else if ('additionalProperties' in out) {
    delete out.additionalProperties;
  }
  if (described.length > 0) {
    const base = typeof out.description === 'string' ? `${out.description} ` : '';
    out.description = `${base}{${described.join(', ')}}`;
  }
  return out;
}

/**
 * The structured-output request for `schema` on `provider`, or undefined when it must be prompted for
 * instead (the conversion would not be faithful, or the root is not an object).
 */
export function toNativeOutput(schema: unknown, provider: ProviderId, name: string): StructuredOutput | undefined {
  if (!isRecord(schema) || schema.type !== 'object') {
    return undefined;
  }
  try {
    const converted = convert(schema, provider) as Record<string, unknown>;
    return { name: outputName(name), schema: converted, strict: provider === 'openai' };
  } catch (error) {
    if (error instanceof NotFaithful) {
      return undefined;
    }
    throw error;
  }
}

/** OpenAI's `json_schema.name` rule: a-z, A-Z, 0-9, `_`, `-`, at most 64 characters. */
export function outputName(label: string): string {
  const cleaned = label.replace(/\.schema\.json$|\.json$/i, '').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return (cleaned || 'extraction').slice(0, 64);
}
