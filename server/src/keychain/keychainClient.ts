/**
 * Calls the OS keychain through the keychain helper process (`keychainHelper.ts`), with a hard time limit:
 * a call that has not answered by then is killed with SIGKILL. Used by the server (a key missing from the
 * environment is looked up on first use, `apiKeys.ts`) and by the `keys` command (`keysCli.ts`); the server
 * loads this file on first use, so a server that never needs the keychain never reads it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { apiKeyVariables } from '../environment';
import type { ProviderId } from '../protocol';
import type { KeychainProblem, KeychainRequest } from './keychainProtocol';

/** The keychain item's service name; the account is the provider id (`anthropic`, `openai`). */
export const keychainService = 'tollgate';

/** How to start the helper: `node <dist/server/keychain-helper.js>` in the built server. */
export interface HelperCommand {
  command: string;
  args: readonly string[];
}

export interface KeychainOptions {
  helper: HelperCommand;
  /** How long one call may take before its process is killed (an unlock prompt nobody answers). */
  timeoutMs: number;
  /** The environment the helper starts from (the session's D-Bus address, display …); default: this process's. */
  env?: NodeJS.ProcessEnv;
}

export type KeychainOutcome =
  | { ok: true; secret?: string | null; deleted?: boolean }
  | { ok: false; problem: KeychainProblem | 'timedOut'; detail: string };

/** The helper answers with one short line; anything much longer is not an answer. */
const maxOutputChars = 64 * 1024;

/** Runs one keychain operation in a fresh helper process; never rejects, never outlives `timeoutMs`. */
export function callKeychain(request: KeychainRequest, options: KeychainOptions): Promise<KeychainOutcome> {
  return new Promise((resolve) => {
    const secrets = request.secret ? [request.secret] : [];
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(options.helper.command, [...options.helper.args], { env: helperEnvironment(options.env ?? process.env), windowsHide: true });
    } catch (error) {
      resolve({ ok: false, problem: 'failed', detail: `the keychain helper could not be started (${String(error)})` });
      return;
    }
    const timer = setTimeout(() => {
      // Only killing the process stops a keychain call that waits for an unlock prompt.
      child.kill('SIGKILL');
      finish({ ok: false, problem: 'timedOut', detail: `no answer within ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    let settled = false;
    const finish = (outcome: KeychainOutcome) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(outcome.ok ? outcome : { ...outcome, detail: redactAll(outcome.detail, secrets) });
      }
    };
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout = (stdout + text).slice(0, maxOutputChars);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(0, maxOutputChars);
    });
    child.on('error', (error) => {
      finish({ ok: false, problem: 'failed', detail: `the keychain helper could not be started (${error.message})` });
    });
    child.on('close', (code, signal) => {
      const reply = parseReply(stdout);
      if (reply) {
        finish(reply);
        return;
      }
      const said = stderr.trim().split('\n')[0];
      finish({
        ok: false,
        problem: 'failed',
        detail: `the keychain helper ended (${signal ?? `exit code ${code}`}) without an answer${said ? `: ${said}` : ''}`,
      });
    });
    // A helper that dies before reading its request closes the pipe; the close handler reports it.
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(request));
  });
}

function parseReply(stdout: string): KeychainOutcome | undefined {
  const line = stdout.split('\n').find((text) => text.trim() !== '');
  if (!line) {
    return undefined;
  }
  try {
    const reply = JSON.parse(line) as KeychainOutcome;
    return typeof reply === 'object' && reply !== null && typeof reply.ok === 'boolean' ? reply : undefined;
  } catch {
    return undefined;
  }
}

/** The helper needs the session (D-Bus address, display, home), not the keys the server holds. */
function helperEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const environment = { ...env };
  for (const variable of Object.values(apiKeyVariables)) {
    delete environment[variable];
  }
  return environment;
}

function redactAll(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

/**
 * What went wrong, what to do: one or two full sentences for the server's log, the missing-key error and
 * the `keys` command. Never holds a key.
 */
export function describeKeychainProblem(outcome: { problem: KeychainProblem | 'timedOut'; detail: string }, provider: ProviderId, timeoutMs: number): string {
  const instead = `or set ${apiKeyVariables[provider]} instead`;
  switch (outcome.problem) {
    case 'unavailable':
      return (
        `Tollgate could not reach the OS keychain (${outcome.detail}). On Linux the keychain is a Secret Service ` +
        `(such as GNOME Keyring or KeePassXC) on the session D-Bus: start one, ${instead}.`
      );
    case 'locked':
      return (
        'The OS keychain is locked and could not ask you to unlock it (no display for its unlock prompt). ' +
        `Unlock it (log in to your desktop session, or run "gnome-keyring-daemon --unlock") and try again, ${instead}.`
      );
    case 'noKeyring':
      return `The Secret Service has no keyring to store keys in. Create one (for example in Seahorse, "Passwords and Keys") and try again, ${instead}.`;
    case 'timedOut':
      return (
        `The OS keychain did not answer within ${Math.ceil(timeoutMs / 1000)} s; it is probably locked and waiting for ` +
        `you to unlock it. Unlock it when it asks and try again, ${instead}.`
      );
    case 'noBinding':
      return (
        `Tollgate's keychain library (@napi-rs/keyring) could not be loaded (${outcome.detail}). Build the server on ` +
        `this machine with "npm run build" and keep dist/server/node_modules beside server.js, ${instead}.`
      );
    case 'failed':
      return `The OS keychain call failed (${outcome.detail}). Try again, ${instead}.`;
  }
}
