/**
 * Which calls may go out without an API key: those to an OpenAI-compatible server on this computer (Ollama,
 * LM Studio, llama.cpp, vLLM, LiteLLM without auth), which usually asks for none. Any other endpoint, and
 * Anthropic always, needs a key, and a call without one is refused before a request is sent. Pure: the
 * client uses it too, so the chat view does not ask for a key such a call does not need.
 */
import type { ProviderId } from './protocol';

/**
 * `localhost`, 127.0.0.0/8, `[::1]` and the IPv4-mapped form of 127.0.0.0/8. The URL parser has already
 * normalised the host (`127.1` → `127.0.0.1`, `[0:0::1]` → `[::1]`, `LOCALHOST` → `localhost`), so the
 * checks below see one spelling per address. A name that merely resolves to a loopback address is not
 * trusted: what it resolves to can change.
 */
export function isLoopbackUrl(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return false;
  }
  return (
    hostname === 'localhost' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) ||
    hostname === '[::1]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)
  );
}

/** Whether a call to `provider` at `baseUrl` (empty: the provider's own endpoint) must carry an API key. */
export function needsApiKey(provider: ProviderId, baseUrl: string): boolean {
  return provider !== 'openai' || !baseUrl || !isLoopbackUrl(baseUrl);
}
