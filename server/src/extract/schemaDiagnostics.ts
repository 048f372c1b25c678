/**
 * Workspace schema files as first-class files: a file matching `tollgate.extraction.schemaGlob` that is
 * not valid JSON, not a valid JSON Schema (ajv meta-validation), or not usable for extraction (remote
 * `$ref`, recursive, catastrophic `pattern`, over 1 MB) gets diagnostics with positions. Open documents
 * are checked as they are edited; closed ones from disk at startup and whenever the watcher reports a
 * change. Every change also drops the file's cached validator.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
// The ESM build: esbuild cannot bundle jsonc-parser's UMD `main` (it requires its parts dynamically).
import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import { type Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Log } from '../log';
import { formatAjvErrors, metaValidate, type SchemaCompiler } from './schemaCompiler';
import { checkSchemaSafety } from './schemaSafety';
import type { SchemaSources } from './schemaSources';

const SOURCE = 'tollgate';

/** Diagnostics for one schema file's text. */
export async function diagnoseSchemaText(text: string): Promise<Diagnostic[]> {
  const doc = TextDocument.create('file:///schema.json', 'json', 0, text);
  const range = (offset: number, length: number): Range => ({ start: doc.positionAt(offset), end: doc.positionAt(offset + length) });
  const parseErrors: ParseError[] = [];
  const tree = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (parseErrors.length > 0 || tree === undefined) {
    const errors = parseErrors.length > 0 ? parseErrors : [{ error: 0, offset: 0, length: 0 }];
    return errors.map((e) => ({
      range: range(e.offset, e.length),
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
      message: `This schema is not valid JSON: ${describeParseError(e)}.`,
    }));
  }
  const schema: unknown = JSON.parse(text);
  const metaErrors = await metaValidate(schema);
  if (metaErrors.length > 0) {
    const lines = formatAjvErrors(metaErrors);
    return metaErrors.map((error, index) => {
      const node = nodeAt(tree, error.instancePath);
      return {
        range: range(node.offset, node.length),
        severity: DiagnosticSeverity.Error,
        source: SOURCE,
        message: `This is not a valid JSON Schema: ${lines[index]}.`,
      };
    });
  }
  const unsafe = checkSchemaSafety(schema, Buffer.byteLength(text));
  if (unsafe) {
    return [
      {
        range: range(tree.offset, Math.min(tree.length, 1)),
        severity: DiagnosticSeverity.Error,
        source: SOURCE,
        message: `Tollgate cannot extract with this schema because ${unsafe.problem}.`,
      },
    ];
  }
  return [];
}

function describeParseError(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  // "PropertyNameExpected" → "property name expected"
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The node an ajv `instancePath` (`/properties/age/type`) points at, or the deepest existing ancestor. */
function nodeAt(tree: Node, instancePath: string): Node {
  const segments = instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let length = segments.length; length >= 0; length--) {
    const path = segments.slice(0, length).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const node = findNodeAtLocation(tree, path);
    if (node) {
      // Point at the property name when there is one: the whole value can span many lines.
      const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      return key ?? node;
    }
  }
  return tree;
}

export interface DiagnosticsSink {
  publish(uri: string, diagnostics: Diagnostic[]): void;
}

export class SchemaDiagnostics {
  /** URIs that currently have diagnostics published, so a fixed or deleted file gets them cleared. */
  private readonly published = new Set<string>();

  constructor(
    private readonly sources: SchemaSources,
    private readonly compiler: SchemaCompiler,
    private readonly sink: DiagnosticsSink,
    private readonly openText: (uri: string) => string | undefined,
    private readonly log: Log,
  ) {}

  /** Checks every schema file in the workspace (startup, glob change). */
  async checkWorkspace(): Promise<void> {
    const files = await this.sources.workspaceFiles();
    await Promise.all(files.map((path) => this.check(pathToFileURL(path).toString())));
  }

  /** Checks every schema file again after the glob or the workspace folders changed. */
  async checkAgain(): Promise<void> {
    await Promise.all([...this.published].map((uri) => this.check(uri)));
    await this.checkWorkspace();
  }

  /** Re-checks one file after it was opened, edited, saved, created, changed or deleted. */
  async check(uri: string): Promise<void> {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      return; // untitled and other schemes are not workspace schema files
    }
    this.compiler.invalidate(path);
    if (!this.sources.isSchemaFile(path)) {
      this.clear(uri);
      return;
    }
    const text = this.openText(uri) ?? (await readFile(path, 'utf8').catch(() => undefined));
    if (text === undefined) {
      this.clear(uri); // deleted
      return;
    }
    let diagnostics: Diagnostic[];
    try {
      diagnostics = await diagnoseSchemaText(text);
    } catch (error) {
      this.log.warn(`Could not check the schema ${path}: ${String(error)}`);
      return;
    }
    if (diagnostics.length === 0) {
      this.clear(uri);
      return;
    }
    this.published.add(uri);
    this.sink.publish(uri, diagnostics);
  }

  private clear(uri: string): void {
    if (this.published.delete(uri)) {
      this.sink.publish(uri, []);
    }
  }
}
