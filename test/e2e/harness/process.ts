// A child process the harness owns: started in a process group of its own, its output copied to a log
// file under test-results/, stopped by its PID (the whole group: code-server's extension host and the
// language server it starts go with it). A last-resort exit hook kills any group still running if the
// test process itself ends without tearing down, so no server outlives a crashed run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { withTimeout } from './timeout';

const running = new Set<number>();
function killAll(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
process.on('exit', killAll);
// A signal ends Node without 'exit' (the test runner sends SIGTERM on a timeout or Ctrl+C), so catch the
// usual ones too, unless the program has its own handler that tears down in order (scripts/start.mjs).
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) {
      killAll();
      process.exit(code);
    }
  });
}

export interface OwnedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the first output line `match` accepts; rejects if the process exits first or on timeout. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): OwnedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true, // a new process group, so stop() reaches the grandchildren too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    throw new Error(`Could not start ${command}: no PID was assigned.`);
  }
  const pid = child.pid;
  running.add(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(pid));

  let text = '';
  const lineListeners = new Set<(line: string) => void>();
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const s = chunk.toString('utf8');
    text += s;
    log.write(s);
    partial += s;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      for (const listener of lineListeners) {
        listener(line);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  return {
    pid,
    child,
    output: () => text,
    waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
      let listener: ((line: string) => void) | undefined;
      const found = new Promise<T>((resolve, reject) => {
        listener = (line) => {
          const value = match(line);
          if (value !== undefined) {
            resolve(value);
          }
        };
        lineListeners.add(listener);
        void exited.then(() =>
          reject(new Error(`${command} exited (code ${child.exitCode}) before ${what}. Output:\n${text}`)),
        );
      });
      return withTimeout(found, timeoutMs, `${what}. Output so far:\n${text}`).finally(() => {
        if (listener) {
          lineListeners.delete(listener);
        }
      });
    },
    async stop(graceMs = 5_000): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // The leader may exit before its children (code-server's extension host): finish the group off.
      signalGroup(pid, 'SIGKILL');
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
