/**
 * The server's current settings. Seeded from `initializationOptions.settings`, re-pulled with
 * `workspace/configuration` (section `tollgate`) after every `workspace/didChangeConfiguration`.
 * Only sanitised settings are kept; each bad value is shown to the user once, naming the setting.
 */
import {
  type ClientCapabilities,
  type Connection,
  DidChangeConfigurationNotification,
  type InitializeParams,
  MessageType,
  ShowMessageNotification,
} from 'vscode-languageserver';
import type { Log } from './log';
import { defaultSettings, sanitiseSettings, type Settings } from './settings';

export class SettingsSource {
  private current: Settings = defaultSettings;
  /**
   * The pull in flight, if any. A change the client announced is on the wire before any request sent after
   * it, so a call that awaits `latest()` runs with the settings the user had when they made the call.
   */
  private pulling: Promise<void> = Promise.resolve();
  private shownProblems = new Set<string>();
  private capabilities: ClientCapabilities = {};
  private readonly listeners: ((settings: Settings, previous: Settings) => void)[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly log: Log,
  ) {}

  get settings(): Settings {
    return this.current;
  }

  /** The settings once the pull of an announced change (or the first pull after start) has landed. */
  async latest(): Promise<Settings> {
    await this.pulling;
    return this.current;
  }

  /** Calls `listener` after every change the editor announced has been applied. */
  onDidChange(listener: (settings: Settings, previous: Settings) => void): void {
    this.listeners.push(listener);
  }

  /** Call from `onInitialize`. */
  initialize(params: InitializeParams): void {
    this.capabilities = params.capabilities;
    const options = params.initializationOptions as { settings?: unknown } | undefined;
    this.apply(options?.settings);
  }

  /**
   * Call from `onInitialized`: asks to be told of changes, then listens for them. A change made between the
   * moment the client read `initializationOptions` and the moment the registration took effect is
   * announced to nobody (a key change restarts the server, and the user may switch provider right then),
   * so once registered the settings are pulled once more.
   */
  listen(): void {
    if (this.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      this.pulling = this.connection.client
        .register(DidChangeConfigurationNotification.type, { section: 'tollgate' })
        .then(
          () => this.pull(),
          (error: unknown) => this.log.warn(`The editor refused to send settings changes: ${String(error)}`),
        );
    }
    this.connection.onDidChangeConfiguration((change) => {
      if (this.capabilities.workspace?.configuration) {
        const before = this.pulling;
        this.pulling = before.then(() => this.pull());
      } else {
        // Editors without workspace/configuration push the settings in the notification itself.
        this.apply((change.settings as { tollgate?: unknown } | undefined)?.tollgate);
      }
    });
  }

  private async pull(): Promise<void> {
    if (!this.capabilities.workspace?.configuration) {
      return;
    }
    try {
      this.apply(await this.connection.workspace.getConfiguration('tollgate'));
    } catch (error) {
      this.log.error(`Could not read the tollgate settings from the editor: ${String(error)}`);
    }
  }

  private apply(section: unknown): void {
    const { settings, problems } = sanitiseSettings(section);
    const previous = this.current;
    this.current = settings;
    for (const listener of this.listeners) {
      listener(settings, previous);
    }
    for (const problem of problems) {
      this.log.warn(problem);
      if (!this.shownProblems.has(problem)) {
        this.shownProblems.add(problem);
        // A notification, not `showWarningMessage` (a request): nothing waits on the user's dismissal.
        void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: problem });
      }
    }
  }
}
