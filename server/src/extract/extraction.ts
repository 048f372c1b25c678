/**
 * Wires "Extract entities" into the connection: `tollgate/extract`, `tollgate/extractionSchemas`, the
 * code action offered on a non-empty selection, and diagnostics for workspace schema files.
 */
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  type CodeAction,
  type Connection,
  type InitializeParams,
  type ServerCapabilities,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ExtractionSchemasRequest, ExtractRequest } from '../protocol';
import { createExtractHandler, type ExtractDependencies } from './extractHandler';
import { SchemaCompiler } from './schemaCompiler';
import { SchemaDiagnostics } from './schemaDiagnostics';
import { SchemaSources } from './schemaSources';

/** The client command the code action runs (registered by the extension, see client/src/extract/). */
export const EXTRACT_COMMAND = 'tollgate.extractEntities';

export const extractionMethods = [ExtractRequest.method, ExtractionSchemasRequest.method];

/** What the server announces for extraction: document sync (for schema diagnostics) and code actions. */
export const extractionCapabilities: ServerCapabilities = {
  textDocumentSync: TextDocumentSyncKind.Incremental,
  codeActionProvider: { codeActionKinds: [CodeActionKind.Refactor] },
  // A folder added to a multi-root workspace brings its schemas without a server restart.
  workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
};

/** The file-system paths of folder URIs; a virtual workspace has no files Tollgate can read. */
function pathsOf(folders: readonly { uri: string }[]): string[] {
  return folders.flatMap(({ uri }) => {
    try {
      return [fileURLToPath(uri)];
    } catch {
      return [];
    }
  });
}

type Dependencies = Omit<ExtractDependencies, 'sources' | 'compiler'>;

export class Extraction {
  private folders: string[] = [];
  private readonly documents = new TextDocuments(TextDocument);
  readonly sources: SchemaSources;
  readonly compiler = new SchemaCompiler();
  private readonly diagnostics: SchemaDiagnostics;
  private foldersAnnounced = false;
  /** Re-checks run one after another, so the latest change's result is the one that stays. */
  private rechecking: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    private readonly deps: Dependencies,
  ) {
    this.sources = new SchemaSources(
      () => this.folders,
      () => deps.settings().extractionSchemaGlob,
    );
    this.diagnostics = new SchemaDiagnostics(
      this.sources,
      this.compiler,
      { publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }) },
      (uri) => this.documents.get(uri)?.getText(),
      deps.log,
    );
  }

  /** Call from `onInitialize`: remembers the workspace folders. */
  initialize(params: InitializeParams): void {
    this.folders = pathsOf(params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri }] : []));
    this.foldersAnnounced = params.capabilities.workspace?.workspaceFolders === true;
  }

  /** Call when `tollgate.extraction.schemaGlob` may have changed: re-checks the schema files. */
  globChanged(glob: string, previous: string): void {
    if (glob !== previous) {
      this.checkAgain();
    }
  }

  /** Files that stopped counting as schemas lose their diagnostics; files that now count get theirs. */
  private checkAgain(): void {
    this.rechecking = this.rechecking
      .then(() => this.diagnostics.checkAgain())
      .catch((error: unknown) => {
        this.deps.log.warn(`Could not check the workspace's schema files: ${String(error)}`);
      });
  }

  /** Registers the handlers; call before `connection.listen()`. */
  /** `track` wraps the extract handler (startServer counts it as work for the idle collection). */
  register(track: <P extends unknown[], R>(handler: (...params: P) => R | Promise<R>) => (...params: P) => R | Promise<R> = (handler) => handler): void {
    const { connection } = this;
    connection.onRequest(ExtractRequest.type, track(createExtractHandler({ ...this.deps, sources: this.sources, compiler: this.compiler })));
    connection.onRequest(ExtractionSchemasRequest.type, async () => ({ schemas: await this.sources.list() }));
    connection.onCodeAction((params): CodeAction[] => {
      const { start, end } = params.range;
      if (start.line === end.line && start.character === end.character) {
        return [];
      }
      const title = 'Extract entities with Tollgate';
      return [
        {
          title,
          kind: CodeActionKind.Refactor,
          command: { title, command: EXTRACT_COMMAND, arguments: [params.textDocument.uri, params.range] },
        },
      ];
    });
    this.documents.onDidOpen(({ document }) => void this.diagnostics.check(document.uri));
    this.documents.onDidChangeContent(({ document }) => void this.diagnostics.check(document.uri));
    this.documents.onDidClose(({ document }) => void this.diagnostics.check(document.uri));
    connection.onDidChangeWatchedFiles(({ changes }) => {
      for (const change of changes) {
        void this.diagnostics.check(change.uri);
      }
    });
    this.documents.listen(connection);
  }

  /** Call from `onInitialized`: checks every schema file already in the workspace. */
  checkWorkspace(): Promise<void> {
    if (this.foldersAnnounced) {
      // Extraction and the schema list read `this.folders` on every request, so the next one sees the change.
      this.connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        const gone = new Set(pathsOf(removed));
        const kept = this.folders.filter((folder) => !gone.has(folder));
        this.folders = [...kept, ...pathsOf(added).filter((folder) => !kept.includes(folder))];
        this.checkAgain();
      });
    }
    return this.diagnostics.checkWorkspace().catch((error: unknown) => {
      this.deps.log.warn(`Could not check the workspace's schema files: ${String(error)}`);
    });
  }
}
