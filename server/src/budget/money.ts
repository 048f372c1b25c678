/** USD as users read it; shared by the server's messages and the client's meter (pure, no imports). */
export function formatUsd(usd: number, options: { precise?: boolean } = {}): string {
  // Cents would show a real cost as $0.00, and two sub-dollar amounts being compared (what a call could
  // cost, what is left) as equal; four decimals keep them honest.
  if (usd !== 0 && Math.abs(usd) < (options.precise ? 1 : 0.01)) {
    return `$${usd.toFixed(4)}`;
  }
  return `$${usd.toFixed(2)}`;
}
