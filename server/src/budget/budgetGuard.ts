/**
 * The `CallGuard` of every provider attempt: the local rate limit, then the daily budget.
 *
 * `admit()` prices the call, estimates its input tokens and reserves its worst case (input × the dearer of
 * input and cache-write price + `maxTokens` × output price) in the shared ledger; the reservation is
 * refused — before any HTTP request — when spent + reserved + it would pass today's budget. `settle()`
 * replaces it with the provider's reported usage, or, when the attempt failed without usage, with an
 * honest estimate of what the provider may have billed: the estimated input plus the output received
 * (never silently zero; zero only when the request never reached the provider).
 *
 * A model with no price is refused as `invalidRequest` with `unpricedModel` set, so a client can offer to
 * set its price.
 */
import { ResponseError } from 'vscode-languageserver';
import type { Admission, AttemptOutcome, CallGuard } from '../callGuard';
import type { PreparedCall } from '../preparedCall';
import { TollgateErrorCodes, type ErrorData } from '../protocol';
import type { Settings } from '../settings';
import type { Ledger, Settlement } from './ledger';
import { formatUsd } from './money';
import { costOf, findPrice, priceFor, roundUsd, worstCaseCost, type PriceQuote } from './prices';
import type { TokenBucket } from './tokenBucket';
import { estimateInputTokens, estimateOutputTokens } from './tokenEstimate';

export interface BudgetGuardDependencies {
  /** Resolves once the ledger is open; rejects when it cannot be (then every call is refused). */
  ledger: Promise<Ledger>;
  settings: () => Settings;
  bucket: TokenBucket;
  /**
   * Holds `tollgate/budgetStatus` back until the returned release is called (`BudgetService.holdStatus`).
   * Taken around each reservation and released when the attempt's first output has been handed on, or
   * when it settles: sending the status costs the call time before its first delta otherwise.
   */
  holdStatus?: () => () => void;
}

export class BudgetGuard implements CallGuard {
  constructor(private readonly deps: BudgetGuardDependencies) {}

  async admit(call: PreparedCall): Promise<Admission> {
    const settings = this.deps.settings();
    const { provider, model, request } = call;
    const quote = findPrice(provider, model, settings.pricing);
    if (!quote) {
      throw failure('invalidRequest', unpricedMessage(model), { unpricedModel: model, provider });
    }
    const inputTokens = await estimateInputTokens(provider, request);
    const worstCase = worstCaseCost(inputTokens, request.maxTokens, quote);
    const ledger = await this.openLedger();

    // Refuse a call the budget cannot take now, before making it wait for a rate-limit token.
    ledger.refresh();
    const before = ledger.status(settings.budgetDailyUsd);
    if (before.spentUsd + before.reservedUsd + worstCase > before.budgetUsd + 1e-9) {
      throw budgetExceeded(worstCase, before, model, request.maxTokens);
    }
    const slot = await this.deps.bucket.take(settings.rateLimitRequestsPerSecond, settings.rateLimitBurst);
    if (!slot.ok) {
      throw failure(
        'rateLimitedLocal',
        `Tollgate held this request back: it would start more than ${settings.rateLimitRequestsPerSecond} requests per ` +
          `second (tollgate.rateLimit.requestsPerSecond, burst ${settings.rateLimitBurst}). Try again in ` +
          `${Math.ceil(slot.retryAfterMs / 1000)} s, or raise the limit in the settings.`,
        { retryAfterMs: slot.retryAfterMs },
      );
    }
    const releaseStatus = this.deps.holdStatus?.() ?? (() => undefined);
    const reserved = await ledger
      .reserve({ provider, model, usd: worstCase, budgetUsd: settings.budgetDailyUsd })
      .catch((error: unknown) => {
        releaseStatus();
        // The ledger could not be written or read back (a full disk, a file changed by hand): no
        // reservation, so no call.
        throw failure('server', `${(error as Error).message} Tollgate did not send this call.`);
      });
    if (!reserved.ok) {
      releaseStatus();
      throw budgetExceeded(worstCase, reserved.status, model, request.maxTokens);
    }
    return {
      outputStarted: releaseStatus,
      // Released after the settlement, so a call that ends before any output sends one status, the final one.
      settle: (outcome) =>
        ledger.settle(reserved.id, settlement(outcome, quote, inputTokens, request.maxTokens)).finally(releaseStatus),
    };
  }

  private async openLedger(): Promise<Ledger> {
    try {
      return await this.deps.ledger;
    } catch (error) {
      throw failure(
        'server',
        `Tollgate cannot open its budget ledger (${(error as Error).message}), so it cannot keep calls within your ` +
          'daily budget and refuses them. Check that the storage folder is writable, then restart the server.',
      );
    }
  }
}

/** What an attempt cost, from what `runAttempts()` observed. */
export function settlement(outcome: AttemptOutcome, quote: PriceQuote, inputTokens: number, maxTokens: number): Settlement {
  if (outcome.usage) {
    return { usd: costOf(outcome.usage, quote), usage: outcome.usage, estimated: false, outcome: 'ok' };
  }
  if (!outcome.reachedProvider) {
    return { usd: 0, estimated: false, outcome: 'notSent' };
  }
  // The provider may bill the whole prompt and whatever it generated, even for a call cut short.
  const outputTokens = Math.min(maxTokens, estimateOutputTokens(outcome.outputChars));
  const price = priceFor(quote, inputTokens);
  const usd = roundUsd((inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000);
  return { usd, estimated: true, outcome: 'failed' };
}

function budgetExceeded(
  worstCase: number,
  status: { budgetUsd: number; spentUsd: number; reservedUsd: number; remainingUsd: number },
  model: string,
  maxTokens: number,
): ResponseError<ErrorData> {
  const usd = (amount: number) => formatUsd(amount, { precise: true });
  const held = status.reservedUsd > 0 ? `, ${usd(status.reservedUsd)} held by calls in progress` : '';
  return failure(
    'budgetExceeded',
    `This call to ${model} could cost up to ${usd(worstCase)} (with up to ${maxTokens} output tokens), but only ` +
      `${usd(status.remainingUsd)} of today's ${formatUsd(status.budgetUsd)} budget is left ` +
      `(${usd(status.spentUsd)} spent${held}), so Tollgate did not send it. Raise today's budget or ` +
      'tollgate.budget.dailyUsd, or lower tollgate.maxTokens.',
    { limitUsd: status.budgetUsd, wouldCostUsd: worstCase, remainingUsd: status.remainingUsd },
  );
}

function unpricedMessage(model: string): string {
  return (
    `Tollgate knows no price for the model "${model}", so it cannot keep calls to it within your daily budget ` +
    'and did not send this one. Set its price in tollgate.pricing (USD per million tokens; 0 is fine for a free ' +
    'local model), e.g. with "Tollgate: Set Model Price".'
  );
}

function failure(kind: ErrorData['kind'], message: string, extra: Partial<ErrorData> = {}): ResponseError<ErrorData> {
  return new ResponseError(TollgateErrorCodes.requestFailed, message, { kind, message, ...extra });
}
