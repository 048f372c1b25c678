/**
 * The budget on the LSP connection: opens the shared ledger, builds the `CallGuard`, answers
 * `tollgate/usage`, `tollgate/usageHistory`, `tollgate/exportUsage` and `tollgate/raiseBudget`, and sends
 * `tollgate/budgetStatus` whenever today's figures change — after this server's own reservations and
 * settlements at once, and within a second for another process's, a new day or a new budget setting.
 *
 * One exception to "at once": a reservation's status waits until its call's first delta has gone out (or
 * the call settled, or `statusHoldMs` passed, whichever comes first). Sent before the provider request, as
 * it used to be, the notification and the client's wake-up to read it sat on the path to the first delta
 * (about 0.2 ms of `ttftOverheadMs`); a few milliseconds later the meter looks no different to a person.
 */
import { type Connection, MessageType, ShowMessageNotification } from 'vscode-languageserver';
import * as z from '../validation';
import { requestError } from '../errors';
import type { Log } from '../log';
import {
  BudgetStatusNotification,
  ExportUsageRequest,
  RaiseBudgetRequest,
  UsageHistoryRequest,
  UsageRequest,
  type BudgetStatus,
  type CallRecord,
  type UsageHistory,
} from '../protocol';
import type { Settings } from '../settings';
import { BudgetGuard } from './budgetGuard';
import { Ledger, type Damage, type DayStatus } from './ledger';
import { formatUsd } from './money';
import { TokenBucket } from './tokenBucket';
import { exportUsageCsv } from './usageCsv';
import { warmUpTokenizer } from './tokenEstimate';

export interface BudgetServiceOptions {
  storageDir: string;
  settings: () => Settings;
  log: Log;
  /** The clock, for tests; days follow its local calendar. */
  now?: () => Date;
  /** How often other processes' changes, the day and the budget setting are checked. */
  pollMs?: number;
  /**
   * The longest a reservation's status is held back (see `holdStatus`): long after its request has left,
   * short enough that the meter shows the call in flight while a slow provider thinks. 50 ms by default.
   */
  statusHoldMs?: number;
}

export const budgetMethods = [
  UsageRequest.method,
  UsageHistoryRequest.method,
  ExportUsageRequest.method,
  RaiseBudgetRequest.method,
];

const historyParams = z.object({ days: z.optional(z.number().check(z.int(), z.gte(1), z.lte(400))) });
const raiseParams = z.object({ addUsd: z.number().check(z.gt(0, 'must be more than 0'), z.lte(1_000_000)) });

export class BudgetService {
  readonly guard: BudgetGuard;
  private readonly ledger: Promise<Ledger>;
  private lastSent = '';
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Holds taken by `holdStatus` and not yet released; while any is, a change only marks `heldChange`. */
  private holds = 0;
  private heldChange = false;

  constructor(
    private readonly connection: Connection,
    private readonly options: BudgetServiceOptions,
  ) {
    this.ledger = Ledger.open({ storageDir: options.storageDir, ...(options.now ? { now: options.now } : {}) });
    this.ledger.then(
      (ledger) => {
        this.reportDamage(ledger, ledger.damage);
        ledger.onDamage((damage) => this.reportDamage(ledger, damage));
        ledger.onChange(() => this.publishUnlessHeld(ledger));
      },
      (error: unknown) => options.log.error(`Tollgate could not open its budget ledger: ${String(error)}`),
    );
    this.guard = new BudgetGuard({
      ledger: this.ledger,
      settings: options.settings,
      bucket: new TokenBucket(),
      holdStatus: () => this.holdStatus(),
    });
  }

  /** Registers the request handlers. */
  listen(): void {
    const { connection } = this;
    connection.onRequest(UsageRequest.type, async () => this.toStatus(await this.open()));
    connection.onRequest(UsageHistoryRequest.type, async (params) => {
      const parsed = historyParams.safeParse(params ?? {});
      if (!parsed.success) {
        throw requestError('invalidRequest', 'The tollgate/usageHistory request is not valid: params.days must be a whole number from 1 to 400.');
      }
      return this.history(await this.open(), parsed.data.days ?? 30);
    });
    connection.onRequest(ExportUsageRequest.type, async () => {
      const ledger = await this.open();
      ledger.refresh();
      return exportUsageCsv(ledger.path);
    });
    connection.onRequest(RaiseBudgetRequest.type, async (params) => {
      const parsed = raiseParams.safeParse(params);
      if (!parsed.success) {
        throw requestError('invalidRequest', 'The tollgate/raiseBudget request is not valid: params.addUsd must be a number of USD more than 0.');
      }
      const ledger = await this.open();
      await ledger.raiseToday(parsed.data.addUsd);
      this.options.log.info(`Today's budget was raised by ${formatUsd(parsed.data.addUsd)}.`);
      return this.toStatus(ledger);
    });
  }

  /** Starts watching the ledger and sends the first status; call once the client is initialized. */
  start(): void {
    warmUpTokenizer();
    void this.ledger.then(
      (ledger) => {
        ledger.watch(this.options.pollMs);
        this.publish(ledger);
        this.timer = setInterval(() => this.publishUnlessHeld(ledger), this.options.pollMs ?? 1000);
        this.timer.unref();
      },
      () => undefined,
    );
  }

  stop(): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    clearInterval(this.timer);
    void this.ledger.then((ledger) => ledger.close(), () => undefined);
  }

  private async open(): Promise<Ledger> {
    try {
      return await this.ledger;
    } catch (error) {
      throw requestError('server', `Tollgate cannot open its budget ledger: ${(error as Error).message}`);
    }
  }

  private toStatus(ledger: Ledger): BudgetStatus {
    ledger.refresh();
    return wireStatus(ledger.status(this.options.settings().budgetDailyUsd));
  }

  /**
   * Keeps this server's own changes from being sent until the returned function is called (at most once
   * counts) or `statusHoldMs` passes; then the status is sent once, as it is by then.
   */
  holdStatus(): () => void {
    this.holds += 1;
    let held = true;
    const release = () => {
      if (!held) {
        return;
      }
      held = false;
      clearTimeout(timer);
      this.holds -= 1;
      if (this.holds === 0 && this.heldChange && !this.stopped) {
        this.heldChange = false;
        void this.ledger.then((ledger) => this.publish(ledger), () => undefined);
      }
    };
    const timer = setTimeout(release, this.options.statusHoldMs ?? 50);
    timer.unref();
    return release;
  }

  private publishUnlessHeld(ledger: Ledger): void {
    if (this.holds > 0) {
      this.heldChange = true;
    } else {
      this.publish(ledger);
    }
  }

  /** Sends `tollgate/budgetStatus` when the status differs from the last one sent. */
  private publish(ledger: Ledger): void {
    const status = this.toStatus(ledger);
    const text = JSON.stringify(status);
    if (text !== this.lastSent) {
      this.lastSent = text;
      this.notify(() => this.connection.sendNotification(BudgetStatusNotification.type, status));
    }
  }

  private history(ledger: Ledger, days: number): UsageHistory {
    const status = this.toStatus(ledger);
    const { settled, pending } = ledger.callsOn(status.day);
    const today: CallRecord[] = [
      ...settled.map((s) => ({
        time: new Date(s.at).toISOString(),
        provider: s.provider,
        model: s.model,
        costUsd: s.usd,
        ...(s.usage ? { usage: s.usage } : {}),
        estimated: s.estimated,
        outcome: s.outcome,
      })),
      ...pending.map((r) => ({
        time: new Date(r.at).toISOString(),
        provider: r.provider,
        model: r.model,
        costUsd: r.usd,
        estimated: true,
        outcome: 'pending' as const,
      })),
    ];
    return { status, days: ledger.history(days), today };
  }

  private reportDamage(ledger: Ledger, damage: Damage[]): void {
    if (damage.length === 0) {
      return;
    }
    const where = damage.map((d) => `${d.length} bytes at offset ${d.offset}`).join(', ');
    const message =
      `Tollgate's budget ledger ${ledger.path} has ${damage.length} damaged line(s) (${where}). Tollgate skipped them ` +
      'and kept every other entry; the damaged bytes are still in the file. Spend recorded only in those lines is ' +
      'not counted, so check today\'s total against your provider\'s dashboard.';
    this.options.log.warn(message);
    this.notify(() => this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }));
  }

  /** Sends a notification; a connection that is gone (the editor left without shutdown) stops the polling. */
  private notify(send: () => Promise<void>): void {
    try {
      send().catch(() => this.stop());
    } catch {
      this.stop();
    }
  }
}

function wireStatus(status: DayStatus): BudgetStatus {
  return {
    day: status.day,
    spentUsd: status.spentUsd,
    reservedUsd: status.reservedUsd,
    budgetUsd: status.budgetUsd,
    remainingUsd: status.remainingUsd,
    pendingCalls: status.pendingCalls,
    raisedUsd: status.raisedUsd,
    topModels: status.topModels,
  };
}
