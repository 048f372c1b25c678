/** USD as users read it; shared by the server's messages and the client's meter (pure, no imports). */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 0.01) {
    // Cents would show a real cost as $0.00; four significant decimals are honest for small calls.
    return `$${usd.toFixed(4)}`;
  }
  return `$${usd.toFixed(2)}`;
}
