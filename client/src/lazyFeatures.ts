/**
 * Loads Tollgate's features after activation instead of during it. VS Code counts the loading of
 * `dist/client/extension.js` plus the `activate()` call as the extension's activation time, and the
 * features bundle (`dist/client/features.js`: vscode-languageclient, zod, the chat, budget and extract
 * features) is most of the code. So activation registers forwarding commands and the chat view, and this
 * loads the features on the next turn of the event loop; a command or the chat view used before then
 * waits for the load, then runs as it always did.
 *
 * Pure — no `vscode` import — so it is unit-tested as is.
 */

export type CommandHandler = (...args: unknown[]) => unknown;

/** What the loaded features must offer back: a way to stop (the language server) on deactivation. */
export interface StoppableFeatures {
  deactivate(): Promise<void> | void;
}

/**
 * Loads the features: `registerCommand` gives a command its real handler (returning the function that
 * removes it); only commands registered this way run.
 */
export type FeatureLoader<F> = (registerCommand: (id: string, handler: CommandHandler) => () => void) => F;

export class LazyFeatures<F extends StoppableFeatures> {
  private loading: Promise<F> | undefined;
  private stopped = false;
  private readonly handlers = new Map<string, CommandHandler>();

  /** `schedule` runs a function on a later turn (`setImmediate` in the extension host). */
  constructor(
    private readonly load: FeatureLoader<F>,
    private readonly schedule: (run: () => void) => void,
  ) {}

  /**
   * Loads the features on a later turn, never inside the caller's (so `activate()` returns first). A
   * failed load is reported through the promise `get()` returns, to whichever command or view asks.
   */
  loadSoon(onError: (error: unknown) => void): void {
    this.schedule(() => {
      if (!this.stopped) {
        this.get().catch(onError);
      }
    });
  }

  /** The loaded features; loads them now if nothing has yet. One load, shared by every caller. */
  get(): Promise<F> {
    if (this.stopped) {
      return Promise.reject(new Error('Tollgate is shutting down, so it did not start its features.'));
    }
    this.loading ??= new Promise<F>((resolve) => resolve(this.load((id, handler) => this.register(id, handler))));
    return this.loading;
  }

  /** Runs a command: waits for the features, then calls the handler they registered for `id`. */
  async run(id: string, args: unknown[]): Promise<unknown> {
    await this.get();
    const handler = this.handlers.get(id);
    if (!handler) {
      throw new Error(`Tollgate has no handler for the command ${id}. Please report this as a bug in Tollgate.`);
    }
    return handler(...args);
  }

  /** Stops the features if they were loaded or are loading (waiting for the load); never starts a load. */
  async stop(): Promise<void> {
    this.stopped = true;
    const features = await this.loading?.catch(() => undefined);
    await features?.deactivate();
  }

  private register(id: string, handler: CommandHandler): () => void {
    if (this.handlers.has(id)) {
      throw new Error(`The command ${id} is registered twice.`);
    }
    this.handlers.set(id, handler);
    return () => {
      if (this.handlers.get(id) === handler) {
        this.handlers.delete(id);
      }
    };
  }
}

/** The command ids a package.json contributes (`contributes.commands[].command`). */
export function contributedCommandIds(packageJson: unknown): string[] {
  const commands: unknown = (packageJson as { contributes?: { commands?: unknown } } | undefined)?.contributes?.commands;
  if (!Array.isArray(commands)) {
    return [];
  }
  return commands
    .map((entry: unknown) => (entry as { command?: unknown } | null)?.command)
    .filter((id): id is string => typeof id === 'string');
}
