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
  private shownProblems = new Set<string>();
  private capabilities: ClientCapabilities = {};

  constructor(
    private readonly connection: Connection,
    private readonly log: Log,
  ) {}

  get settings(): Settings {
    return this.current;
  }

  /** Call from `onInitialize`. */
  initialize(params: InitializeParams): void {
    this.capabilities = params.capabilities;
    const options = params.initializationOptions as { settings?: unknown } | undefined;
    this.apply(options?.settings);
  }

  /** Call from `onInitialized`: asks to be told of changes, then listens for them. */
  listen(): void {
    if (this.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      this.connection.client
        .register(DidChangeConfigurationNotification.type, { section: 'tollgate' })
        .catch((error: unknown) => this.log.warn(`The editor refused to send settings changes: ${String(error)}`));
    }
    this.connection.onDidChangeConfiguration(async (change) => {
      if (this.capabilities.workspace?.configuration) {
        try {
          this.apply(await this.connection.workspace.getConfiguration('tollgate'));
        } catch (error) {
          this.log.error(`Could not read the tollgate settings from the editor: ${String(error)}`);
        }
      } else {
        // Editors without workspace/configuration push the settings in the notification itself.
        this.apply((change.settings as { tollgate?: unknown } | undefined)?.tollgate);
      }
    });
  }

  private apply(section: unknown): void {
    const { settings, problems } = sanitiseSettings(section);
    this.current = settings;
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
