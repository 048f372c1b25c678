/**
 * Where extraction schemas come from: the built-in `entities` schema (embedded in the server bundle at
 * build time, so `dist/server/server.js` needs no file next to it), the workspace files matching
 * `tollgate.extraction.schemaGlob`, and inline schemas sent with the request.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import entitiesSchema from '../../../schemas/entities.schema.json';
import { requestError } from '../errors';
import type { ExtractionSchemaInfo, JsonSchema } from '../protocol';
import { MAX_SCHEMA_BYTES } from './schemaSafety';

export const BUILT_IN_ENTITIES = 'entities';

/** A schema ready to compile. */
export interface ResolvedSchema {
  /** The cache key: `builtin:entities`, the file's absolute path, or `inline`. */
  source: string;
  /** How messages and the result name it: "Entities (built-in)", "schemas/invoice.schema.json", "the inline schema". */
  label: string;
  schema: unknown;
  /** The text it was parsed from (or its JSON), for the size limit and the cache. */
  text: string;
}

/** Folders never searched for schemas: dependencies and VCS internals hold thousands of irrelevant files. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);
/** Stops a scan of a huge workspace; the quick pick is for a handful of schemas anyway. */
const MAX_VISITED = 20_000;
const MAX_LISTED = 200;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

export class SchemaSources {
  constructor(
    /** The workspace folders' file-system paths. */
    private readonly folders: () => readonly string[],
    private readonly glob: () => string,
  ) {}

  /** Whether `path` (absolute) is a workspace schema file: inside a folder and matching the glob. */
  isSchemaFile(path: string): boolean {
    const matches = picomatch(this.glob(), { dot: false });
    return this.folders().some((folder) => {
      const rel = relative(folder, path);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && matches(toPosix(rel));
    });
  }

  /** Absolute paths of every workspace schema file, sorted. */
  async workspaceFiles(): Promise<string[]> {
    const matches = picomatch(this.glob(), { dot: false });
    const found: string[] = [];
    let visited = 0;
    for (const folder of this.folders()) {
      const pending = [folder];
      while (pending.length > 0 && visited < MAX_VISITED && found.length < MAX_LISTED) {
        const dir = pending.pop()!;
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const entry of entries) {
          visited++;
          const path = join(dir, entry.name);
          if (entry.isDirectory()) {
            if (!SKIPPED_FOLDERS.has(entry.name)) {
              pending.push(path);
            }
          } else if (entry.isFile() && matches(toPosix(relative(folder, path)))) {
            found.push(path);
          }
        }
      }
    }
    return found.sort();
  }

  /** The schemas a user can pick: the built-in one first, then the workspace's, with titles and descriptions. */
  async list(): Promise<ExtractionSchemaInfo[]> {
    const builtIn: ExtractionSchemaInfo = {
      id: BUILT_IN_ENTITIES,
      title: entitiesSchema.title,
      description: entitiesSchema.description,
      origin: 'builtin',
    };
    const workspace = await Promise.all(
      (await this.workspaceFiles()).map(async (path): Promise<ExtractionSchemaInfo> => {
        const id = this.relativeId(path);
        // A file that is unreadable or not JSON is still listed (its problems are in the Problems panel);
        // it must not fail the whole list.
        const parsed = await readFile(path, 'utf8').then(
          (text) => {
            try {
              return JSON.parse(text) as unknown;
            } catch {
              return undefined;
            }
          },
          () => undefined,
        );
        const info: ExtractionSchemaInfo = { id, title: id, origin: 'workspace', path };
        if (isRecord(parsed)) {
          if (typeof parsed.title === 'string' && parsed.title.trim() !== '') {
            info.title = parsed.title;
          }
          if (typeof parsed.description === 'string') {
            info.description = parsed.description;
          }
        } else {
          info.description = 'Not valid JSON: see the Problems panel.';
        }
        return info;
      }),
    );
    return [builtIn, ...workspace];
  }

  /** Resolves the `schema` of a tollgate/extract request; rejects with a `schemaInvalid` error. */
  async resolve(schema: string | JsonSchema | undefined): Promise<ResolvedSchema> {
    if (schema === undefined || schema === BUILT_IN_ENTITIES) {
      return {
        source: `builtin:${BUILT_IN_ENTITIES}`,
        label: `${entitiesSchema.title} (built-in)`,
        schema: entitiesSchema,
        text: JSON.stringify(entitiesSchema),
      };
    }
    if (typeof schema !== 'string') {
      return { source: 'inline', label: 'the inline schema', schema, text: JSON.stringify(schema) };
    }
    const path = this.workspacePath(schema);
    const size = await stat(path).then(
      (s) => s.size,
      () => undefined,
    );
    if (size === undefined) {
      throw requestError(
        'schemaInvalid',
        `The schema "${schema}" was not found: it is neither a built-in schema ("${BUILT_IN_ENTITIES}") nor a file in the workspace. Pick a schema from the list or check the path.`,
      );
    }
    // Checked before reading, so a huge file is refused without loading it.
    if (size > MAX_SCHEMA_BYTES) {
      throw requestError(
        'schemaInvalid',
        `The schema "${schema}" cannot be used because it is ${(size / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit for extraction schemas. Use a smaller schema.`,
      );
    }
    const text = await readFile(path, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw requestError(
        'schemaInvalid',
        `The schema "${schema}" is not valid JSON (${(error as Error).message}). Fix the file (its problems are listed in the Problems panel) and try again.`,
      );
    }
    return { source: path, label: schema, schema: parsed, text };
  }

  /** A workspace-relative id (`schemas/invoice.schema.json`) for an absolute path. */
  relativeId(path: string): string {
    const folders = this.folders();
    const folder = folders.find((f) => !relative(f, path).startsWith('..'));
    const rel = toPosix(relative(folder ?? '', path));
    // With several folders the id names the folder too, as VS Code's multi-root paths do.
    return folders.length > 1 && folder ? `${toPosix(folder).split('/').pop()}/${rel}` : rel;
  }

  /** The absolute path of a workspace-relative id; never outside the workspace folders. */
  private workspacePath(id: string): string {
    const folders = this.folders();
    for (const folder of folders) {
      const candidates = [resolve(folder, id)];
      const name = toPosix(folder).split('/').pop();
      if (folders.length > 1 && name && id.startsWith(`${name}/`)) {
        candidates.unshift(resolve(folder, id.slice(name.length + 1)));
      }
      for (const candidate of candidates) {
        const rel = relative(folder, candidate);
        if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
          return candidate;
        }
      }
    }
    throw requestError(
      'schemaInvalid',
      `The schema "${id}" is not inside a workspace folder. Tollgate only reads schemas from the open workspace.`,
    );
  }
}
