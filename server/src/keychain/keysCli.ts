/**
 * `node dist/server/server.js keys set|clear|status [provider]`: stores, removes and reports the API keys
 * the standalone server finds in the OS keychain (service `tollgate`, account = the provider id). `set`
 * reads the key from standard input (typed without echo, or piped); nothing prints a key. Each keychain
 * call runs in the helper process with a time limit (`keychainClient.ts`).
 */
import { apiKeyVariables, keychainEnabled, keychainVariable } from '../environment';
import type { ProviderId } from '../protocol';
import { callKeychain, describeKeychainProblem, keychainService, type KeychainOptions } from './keychainClient';
import { readSecret, type SecretInput } from './secretInput';

/** Long enough to type the keyring's password into an unlock prompt. */
export const cliKeychainTimeoutMs = 120_000;

const providers = Object.keys(apiKeyVariables) as ProviderId[];

/**
 * The providers' names (errors.ts has the same in providerLabel(); importing it here would move the
 * LSP library it uses out of server.js into a chunk shared with this command).
 */
const labels: Record<ProviderId, string> = { anthropic: 'Anthropic', openai: 'OpenAI' };

export interface KeysCommandContext {
  /** The arguments after `keys`. */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: SecretInput;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  keychain: KeychainOptions;
}

const usage = `Usage: node dist/server/server.js keys <command>

  keys set <provider>     store the provider's API key in the OS keychain; type or paste it when asked
                          (it is not shown), or pipe it in: ... | node dist/server/server.js keys set anthropic
  keys clear <provider>   remove the provider's key from the OS keychain
  keys status             say which providers have a key, and where it comes from (never the key)

Providers: ${providers.join(', ')}. A key in ${Object.values(apiKeyVariables).join(' or ')} wins over the keychain.
`;

/** Runs the command; resolves with the process's exit code (0 done, 1 failed, 2 bad usage). */
export async function runKeysCommand(context: KeysCommandContext): Promise<number> {
  const [command, provider, ...rest] = context.args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    context[command === undefined ? 'stderr' : 'stdout'].write(usage);
    return command === undefined ? 2 : 0;
  }
  if (command === 'status' && provider === undefined) {
    return status(context);
  }
  if ((command === 'set' || command === 'clear') && isProvider(provider) && rest.length === 0) {
    return command === 'set' ? set(context, provider) : clear(context, provider);
  }
  const problem =
    (command === 'set' || command === 'clear') && !isProvider(provider)
      ? `"keys ${command}" needs a provider: ${providers.join(' or ')}.`
      : `"keys ${context.args.join(' ')}" is not a keys command.`;
  context.stderr.write(`${problem}\n\n${usage}`);
  return 2;
}

function isProvider(value: string | undefined): value is ProviderId {
  return value !== undefined && (providers as string[]).includes(value);
}

async function set(context: KeysCommandContext, provider: ProviderId): Promise<number> {
  const label = labels[provider];
  const typed = await readSecret(context.stdin, context.stderr, `${label} API key (typed or pasted, not shown), then Enter: `);
  if (typed === undefined) {
    context.stderr.write('Nothing was stored.\n');
    return 1;
  }
  const key = typed.trim();
  if (key === '') {
    context.stderr.write(`No key was given, so nothing was stored. Type or pipe the ${label} API key into "keys set ${provider}".\n`);
    return 1;
  }
  if (/\s/.test(key)) {
    context.stderr.write('The input holds spaces or several lines, so it is not one API key; nothing was stored. Give the key alone.\n');
    return 1;
  }
  const outcome = await callKeychain({ op: 'set', service: keychainService, account: provider, secret: key }, context.keychain);
  if (!outcome.ok) {
    context.stderr.write(`The ${label} API key was not stored. ${describeKeychainProblem(outcome, provider, context.keychain.timeoutMs)}\n`);
    return 1;
  }
  context.stdout.write(`Stored the ${label} API key in the OS keychain (${item(provider)}).\n${notes(context.env, provider).join('')}`);
  return 0;
}

async function clear(context: KeysCommandContext, provider: ProviderId): Promise<number> {
  const label = labels[provider];
  const outcome = await callKeychain({ op: 'delete', service: keychainService, account: provider }, context.keychain);
  if (!outcome.ok) {
    context.stderr.write(`The ${label} API key was not removed. ${describeKeychainProblem(outcome, provider, context.keychain.timeoutMs)}\n`);
    return 1;
  }
  context.stdout.write(
    outcome.deleted
      ? `Removed the ${label} API key from the OS keychain (${item(provider)}). A server already running that has read it keeps using it until it restarts.\n`
      : `The OS keychain holds no ${label} API key (${item(provider)}), so there was nothing to remove.\n`,
  );
  return 0;
}

async function status(context: KeysCommandContext): Promise<number> {
  const lookups = await Promise.all(
    providers.map((provider) => callKeychain({ op: 'get', service: keychainService, account: provider }, context.keychain)),
  );
  let failed = false;
  providers.forEach((provider, index) => {
    const outcome = lookups[index];
    const variable = apiKeyVariables[provider];
    const inEnvironment = Boolean(context.env[variable]?.trim());
    const inKeychain = outcome?.ok === true && Boolean(outcome.secret);
    let line: string;
    if (inEnvironment) {
      line = `key from ${variable} in the environment${inKeychain ? ' (it wins over the one in the OS keychain)' : ''}`;
    } else if (inKeychain) {
      line = `key in the OS keychain (${item(provider)})`;
    } else if (outcome?.ok) {
      line = `no key: set ${variable}, or run "node dist/server/server.js keys set ${provider}"`;
    } else {
      line = `no key in the environment, and the OS keychain could not be read. ${outcome ? describeKeychainProblem(outcome, provider, context.keychain.timeoutMs) : ''}`;
    }
    failed ||= outcome?.ok !== true;
    context.stdout.write(`${provider}: ${line}\n`);
  });
  if (!keychainEnabled(context.env)) {
    context.stdout.write(`${keychainVariable} is "${context.env[keychainVariable] ?? ''}": a server started from here does not look in the OS keychain.\n`);
  }
  return failed ? 1 : 0;
}

function item(provider: ProviderId): string {
  return `service "${keychainService}", account "${provider}"`;
}

/** What decides whether a server started from this shell uses the stored key. */
function notes(env: NodeJS.ProcessEnv, provider: ProviderId): string[] {
  const variable = apiKeyVariables[provider];
  const notes = [];
  if (env[variable]?.trim()) {
    notes.push(`Note: ${variable} is set in this environment, and a server started with it uses that key instead.\n`);
  }
  if (!keychainEnabled(env)) {
    notes.push(`Note: ${keychainVariable} is "${env[keychainVariable] ?? ''}", so a server started from here does not look in the OS keychain.\n`);
  }
  if (notes.length === 0) {
    notes.push(
      `The standalone server uses it when ${variable} is not set. A server already running reads it at its next request that ` +
        'needs it, unless it holds a key from the keychain that the provider still accepts (then restart it).\n',
    );
  }
  return notes;
}
