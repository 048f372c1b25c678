/**
 * What a provider's response headers say about retrying it. Both SDKs read the same headers (see
 * provider-wire.md §4.1); with their own retries off, Tollgate's policy (`retry.ts`) reads them here.
 */

/**
 * Reads how long a provider asked us to wait: `retry-after-ms` (milliseconds, OpenAI and Anthropic)
 * first, else `retry-after` (seconds, or an HTTP date). Returns undefined when neither is usable.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) {
    return Math.round(ms);
  }
  const value = headers?.get('retry-after');
  if (!value) {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return Math.round(seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `x-should-retry: true|false`, the provider's own verdict; undefined when absent or neither word. */
export function shouldRetry(headers: { get(name: string): string | null } | undefined): boolean | undefined {
  const value = headers?.get('x-should-retry')?.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}
