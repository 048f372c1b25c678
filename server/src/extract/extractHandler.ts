/**
 * `tollgate/extract`: JSON that validates against a schema, from a piece of text.
 *
 * Native structured output first (OpenAI strict json_schema, Anthropic `output_config.format`) when the
 * schema converts faithfully (`nativeSchema.ts`); otherwise the prompt asks for JSON. Either way every
 * answer is parsed and validated with ajv against the original schema, and an answer that fails is sent
 * back with ajv's exact errors for another try, up to `tollgate.retry.maxAttempts` answers. Each answer is
 * one `runAttempts()` call, so each is admitted and reserved by the budget guard and retried on transient
 * failures by the retry policy. Refusal, content filter and truncation end the request at once, each with
 * its own `extractFailure`.
 */
import { type CancellationToken, ResponseError } from 'vscode-languageserver';
import * as z from '../validation';
import { runAttempts, type AttemptDependencies } from '../attempts';
import type { ApiKeySource } from '../apiKeys';
import { requestError } from '../errors';
import { prepareCall } from '../preparedCall';
import {
  EXTRACT_MAX_TEXT_CHARS,
  TollgateErrorCodes,
  type ChatMessage,
  type ErrorData,
  type ErrorKind,
  type ExtractFailure,
  type ExtractParams,
  type ExtractResult,
  type Usage,
} from '../protocol';
import type { Settings } from '../settings';
import { parseAnswer } from './jsonAnswer';
import { toNativeOutput } from './nativeSchema';
import { formatAjvErrors, type SchemaCompiler } from './schemaCompiler';
import type { SchemaSources } from './schemaSources';

const extractParamsSchema = z.object({
  text: z.string(),
  schema: z.optional(z.union([z.string().check(z.minLength(1)), z.record(z.string(), z.unknown()), z.boolean()])),
  provider: z.optional(z.enum(['anthropic', 'openai'])),
  model: z.optional(z.string().check(z.minLength(1))),
});

export interface ExtractDependencies extends AttemptDependencies {
  settings: () => Settings;
  /** The settings as of the last change the editor announced before this request (see SettingsSource). */
  latestSettings: () => Promise<Settings>;
  apiKeys: ApiKeySource;
  sources: SchemaSources;
  compiler: SchemaCompiler;
}

const SYSTEM =
  'You extract structured data from text. Answer with JSON only: no prose, no code fences. ' +
  'Use only information found in the text.';

function extractError(kind: ErrorKind, extractFailure: ExtractFailure, message: string, extra: Partial<ErrorData> = {}): ResponseError<ErrorData> {
  return new ResponseError(TollgateErrorCodes.requestFailed, message, { kind, message, extractFailure, ...extra });
}

function firstPrompt(text: string, schema: unknown, native: boolean): string {
  // Native output already carries the schema; the prompted way has to state it.
  const schemaPart = native ? '' : `The JSON must validate against this JSON Schema:\n${JSON.stringify(schema, null, 2)}\n\n`;
  return `${schemaPart}Extract the data from this text:\n<text>\n${text}\n</text>`;
}

function repairPrompt(errors: string[]): string {
  return (
    'Your answer does not validate against the JSON Schema. The validator reported:\n' +
    errors.map((e) => `- ${e}`).join('\n') +
    '\nAnswer again with the complete corrected JSON only.'
  );
}

function addUsage(total: Usage, more: Usage): void {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
  for (const key of ['cacheReadTokens', 'cacheWriteTokens'] as const) {
    if (more[key] !== undefined) {
      total[key] = (total[key] ?? 0) + more[key];
    }
  }
}

export function createExtractHandler(deps: ExtractDependencies) {
  return async (params: ExtractParams, token: CancellationToken): Promise<ExtractResult> => {
    const parsed = extractParamsSchema.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `params.${issue.path.join('.')}` : 'params';
      throw requestError('invalidRequest', `The tollgate/extract request is not valid: ${where} ${issue?.message ?? 'is invalid'}.`);
    }
    const request = parsed.data;
    if (request.text.trim() === '') {
      throw extractError('invalidRequest', 'emptyText', 'There is no text to extract from. Select some text and try again.');
    }
    if (request.text.length > EXTRACT_MAX_TEXT_CHARS) {
      throw extractError(
        'invalidRequest',
        'textTooLarge',
        `The selection is ${request.text.length.toLocaleString('en')} characters, more than the ${EXTRACT_MAX_TEXT_CHARS.toLocaleString('en')} Tollgate extracts from at once. Select a shorter part and try again.`,
      );
    }

    const resolved = await deps.sources.resolve(request.schema);
    const compiled = await deps.compiler.get(resolved.source, resolved.schema, resolved.text);
    if (!compiled.ok) {
      throw extractError('schemaInvalid', 'badSchema', `The schema ${resolved.label} cannot be used because ${compiled.problem}. Fix the schema and try again.`);
    }
    const settings = await deps.latestSettings();
    const provider = request.provider ?? settings.provider;
    const output = toNativeOutput(resolved.schema, provider, resolved.label);
    const mode = output ? 'native' : 'prompted';
    const messages: ChatMessage[] = [{ role: 'user', content: firstPrompt(request.text, resolved.schema, output !== undefined) }];
    const usage: Usage = { inputTokens: 0, outputTokens: 0 };
    let attempts = 0;
    let costUsd = 0;
    let errors: string[] = [];

    const keys = await deps.apiKeys.resolve(provider);
    const abort = new AbortController();
    const onCancel = token.onCancellationRequested(() => abort.abort());
    try {
      for (let round = 1; round <= settings.retryMaxAttempts; round++) {
        const call = prepareCall(settings, keys, request, {
          system: SYSTEM,
          messages: [...messages],
          maxTokens: settings.maxTokens,
          ...(output ? { output } : {}),
        });
        let answer = '';
        let outcome;
        try {
          outcome = await runAttempts(call, deps, { signal: abort.signal, onText: (t) => (answer += t) });
        } catch (error) {
          deps.apiKeys.noteFailure(call.provider, call.apiKey, error);
          if (error instanceof ResponseError && (error.data as ErrorData | undefined)?.kind === 'contentFiltered') {
            const data = error.data as ErrorData;
            throw new ResponseError(error.code, data.message, { ...data, extractFailure: 'contentFilter' });
          }
          throw error;
        }
        attempts += outcome.attempts;
        costUsd += outcome.costUsd;
        addUsage(usage, outcome.answer.usage);

        switch (outcome.answer.stopReason) {
          case 'refusal':
            throw extractError(
              'contentFiltered',
              'refusal',
              `The model declined to extract from this text${answer.trim() ? `: "${answer.trim().slice(0, 300)}"` : '.'} Try other text or another schema.`,
              { provider },
            );
          case 'maxTokens':
            throw extractError(
              'schemaInvalid',
              'truncated',
              `The answer reached the output limit (tollgate.maxTokens = ${settings.maxTokens}) before its JSON was complete. Raise tollgate.maxTokens or select less text, and try again.`,
              { provider },
            );
          case 'contextWindowExceeded':
            throw extractError(
              'contextWindowExceeded',
              'textTooLarge',
              "The text and schema are too long for the model's context window. Select less text and try again.",
              { provider },
            );
        }

        const json = parseAnswer(answer);
        if (json.ok && compiled.validate(json.value)) {
          return { data: json.value, attempts, mode, usage, costUsd, schema: resolved.label };
        }
        errors = json.ok ? formatAjvErrors(compiled.validate.errors) : [json.error];
        deps.log.warn(`Extraction answer ${round} did not validate against ${resolved.label}: ${errors.join('; ')}`);
        messages.push({ role: 'assistant', content: answer === '' ? '(empty answer)' : answer }, { role: 'user', content: repairPrompt(errors) });
      }
    } finally {
      onCancel.dispose();
    }
    const shown = errors.slice(0, 5).join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '');
    throw extractError(
      'schemaInvalid',
      'invalidOutput',
      `After ${settings.retryMaxAttempts} answers the model still did not produce JSON that validates against ${resolved.label}: ${shown}. Try again, simplify the schema, or raise tollgate.retry.maxAttempts.`,
      { provider, validationErrors: errors },
    );
  };
}
