/**
 * Leaves the oldest turns of a conversation out so it fits the model's context window. Never the system
 * prompt, never the newest message; the first message kept is a user turn, as providers expect a
 * conversation to open with one. Callers report `dropped` to the user (`ChatResult.trimmedMessages`).
 */
import type { ContextOverflow } from './attempts';
import { contextWindow, estimateInputTokens, estimateMessageTokens } from './contextWindow';
import type { ProviderCall } from './providers/provider';

export interface Trimmed {
  request: ProviderCall;
  /** Messages left out, from the oldest. */
  dropped: number;
}

/** Before the call: the estimated input must fit the window minus the output cap (`maxTokens`). */
export function trimToContext(request: ProviderCall, window = contextWindow(request.model)): Trimmed {
  return dropOldest(request, window - request.maxTokens);
}

/** Share of the provider's own limit aimed at on the second try, leaving room for the estimate's error. */
const safetyShare = 0.9;

/**
 * After the provider answered that `sent` does not fit: trims harder, or returns undefined when there is
 * nothing left to leave out. With the provider's own count and limit, the target is scaled from them
 * (keeping room for the output cap); without, it is half the estimated input.
 */
export function trimHarder(sent: ProviderCall, overflow: ContextOverflow): Trimmed | undefined {
  const estimate = estimateInputTokens(sent);
  const { promptTokens, limitTokens } = overflow;
  const target =
    promptTokens && limitTokens
      ? Math.floor((estimate * safetyShare * Math.max(0, limitTokens - sent.maxTokens)) / promptTokens)
      : Math.floor(estimate / 2);
  const trimmed = dropOldest(sent, Math.min(target, estimate - 1));
  return trimmed.dropped > 0 ? trimmed : undefined;
}

function dropOldest(request: ProviderCall, budgetTokens: number): Trimmed {
  const { messages } = request;
  let total = estimateInputTokens(request);
  let start = 0;
  while (total > budgetTokens && start < messages.length - 1) {
    total -= estimateMessageTokens(messages[start]!);
    start += 1;
  }
  while (start > 0 && start < messages.length - 1 && messages[start]!.role === 'assistant') {
    start += 1;
  }
  return start === 0 ? { request, dropped: 0 } : { request: { ...request, messages: messages.slice(start) }, dropped: start };
}
