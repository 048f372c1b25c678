/**
 * "Tollgate: Extract Entities": takes the selection (or the range a code action passed), checks it before
 * any call, lets the user pick a schema (built-in + workspace, the last choice first), runs
 * `tollgate/extract` under a cancellable progress notification (Cancel sends `$/cancelRequest`, which
 * aborts the provider's HTTP request), and opens the validated JSON beside the source with a readable
 * report next to it.
 */
import * as vscode from 'vscode';
import type { CancellationToken } from 'vscode-languageclient/node';
import {
  EXTRACT_MAX_TEXT_CHARS,
  type ErrorData,
  type ExtractionSchemaInfo,
  type ExtractParams,
  type ExtractResult,
  TollgateErrorCodes,
} from '../../../server/src/protocol';
import type { RegisterCommand } from '../commands';
import { hasEntityList, resultReport } from './resultReport';

export const extractCommandId = 'tollgate.extractEntities';
/** workspaceState key: the id of the schema picked last in this workspace. */
export const lastSchemaKey = 'tollgate.extract.lastSchema';

export interface ExtractionClient {
  extract(params: ExtractParams, token: CancellationToken): Promise<ExtractResult>;
  extractionSchemas(): Promise<ExtractionSchemaInfo[]>;
}

export interface ExtractCommandContext {
  server: ExtractionClient;
  workspaceState: vscode.Memento;
  output: vscode.LogOutputChannel;
  registerCommand: RegisterCommand;
}

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

function isLspRange(value: unknown): value is LspRange {
  const r = value as LspRange | undefined;
  return typeof r?.start?.line === 'number' && typeof r.end?.line === 'number';
}

/** The text to extract from: the code action's range when it passed one, else the active selection. */
async function sourceText(uriArg: unknown, rangeArg: unknown): Promise<{ text: string; editor?: vscode.TextEditor } | undefined> {
  if (typeof uriArg === 'string' && isLspRange(rangeArg)) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uriArg));
    const range = new vscode.Range(rangeArg.start.line, rangeArg.start.character, rangeArg.end.line, rangeArg.end.character);
    return { text: document.getText(range) };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return undefined;
  }
  return { text: editor.document.getText(editor.selection), editor };
}

async function pickSchema(context: ExtractCommandContext): Promise<ExtractionSchemaInfo | undefined> {
  const schemas = await context.server.extractionSchemas();
  const last = context.workspaceState.get<string>(lastSchemaKey);
  const items = schemas.map((schema) => ({
    label: schema.title,
    description: schema.origin === 'builtin' ? 'built-in' : schema.id,
    detail: schema.description,
    schema,
  }));
  // The last choice first, so Enter repeats it.
  items.sort((a, b) => Number(b.schema.id === last) - Number(a.schema.id === last));
  const choice = await vscode.window.showQuickPick(items, {
    title: 'Tollgate: Extract Entities',
    placeHolder: 'Which schema should the extracted JSON follow?',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (choice) {
    await context.workspaceState.update(lastSchemaKey, choice.schema.id);
  }
  return choice?.schema;
}

async function showResult(result: ExtractResult): Promise<void> {
  const json = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(result.data, null, 2)}\n` });
  await vscode.window.showTextDocument(json, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  if (hasEntityList(result.data)) {
    const report = await vscode.workspace.openTextDocument({ language: 'markdown', content: resultReport(result) });
    await vscode.commands.executeCommand('markdown.showPreviewToSide', report.uri);
  }
  const attempts = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
  void vscode.window.showInformationMessage(
    `Tollgate extracted JSON that validates against ${result.schema} (${result.mode} structured output, ${attempts}).`,
  );
}

function errorData(error: unknown): ErrorData | undefined {
  const data = (error as { data?: unknown } | undefined)?.data as ErrorData | undefined;
  return typeof data?.kind === 'string' && typeof data.message === 'string' ? data : undefined;
}

export async function extractEntities(context: ExtractCommandContext, uriArg?: unknown, rangeArg?: unknown): Promise<void> {
  const source = await sourceText(uriArg, rangeArg);
  if (!source || source.text.trim() === '') {
    void vscode.window.showWarningMessage('Select the text to extract entities from, then run "Tollgate: Extract Entities" again.');
    return;
  }
  if (source.text.length > EXTRACT_MAX_TEXT_CHARS) {
    void vscode.window.showWarningMessage(
      `The selection is ${source.text.length.toLocaleString('en')} characters, more than the ${EXTRACT_MAX_TEXT_CHARS.toLocaleString('en')} Tollgate extracts from at once. Select a shorter part and try again.`,
    );
    return;
  }
  let schema: ExtractionSchemaInfo | undefined;
  try {
    schema = await pickSchema(context);
  } catch (error) {
    void vscode.window.showErrorMessage(`Tollgate could not list the extraction schemas: ${errorData(error)?.message ?? String(error)}`);
    return;
  }
  if (!schema) {
    return; // Escape in the quick pick.
  }
  const picked = schema;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Tollgate: Extracting with ${picked.title}…`, cancellable: true },
      (_progress, token) => context.server.extract({ text: source.text, schema: picked.id }, token),
    );
    await showResult(result);
  } catch (error) {
    const data = errorData(error);
    // Cancel may reject on the client side before the server's answer, with LSP's RequestCancelled code only.
    if (data?.kind === 'canceled' || (error as { code?: unknown } | undefined)?.code === TollgateErrorCodes.canceled) {
      return;
    }
    if (data?.validationErrors?.length) {
      context.output.warn(`Extraction with ${picked.id} failed validation:\n${data.validationErrors.join('\n')}`);
    }
    const message = data?.message ?? `Tollgate could not extract: ${String(error)}`;
    const choice = await vscode.window.showErrorMessage(message, 'Show Output');
    if (choice) {
      context.output.show(true);
    }
  }
}

export function registerExtractCommand(context: ExtractCommandContext): vscode.Disposable {
  return context.registerCommand(extractCommandId, (uri?: unknown, range?: unknown) => extractEntities(context, uri, range));
}
