/**
 * A Secret Service of the tests' own: a private session D-Bus with gnome-keyring-daemon on it, its
 * `login` keyring created and unlocked in a temporary folder (shared/recipes/keychain.md). The tests never
 * touch the keychain of whoever runs them, and need no D-Bus session around them. There is no display in
 * its environment, so a locked keyring fails at once instead of waiting for an unlock prompt.
 *
 * Needs the Debian packages `dbus` (dbus-daemon, dbus-send) and `gnome-keyring`; `secretServiceMissing()`
 * says why it cannot start, for the tests to skip with that reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateKeyring {
  /** The environment a process needs to use this keyring (and nothing else of the test's own). */
  env: Record<string, string>;
  /** Locks the `login` keyring, as a screen lock or a fresh login without auto-unlock would. */
  lock(): void;
  close(): void;
}

const needed = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];

/**
 * Why no private Secret Service can run here, or undefined when it can. On a developer's machine the
 * keychain tests are then skipped with that reason; in CI (`CI=true`, where .ci/run installs the packages)
 * a missing package throws instead, so the real-keychain tests can never pass by not running.
 */
export function secretServiceMissing(): string | undefined {
  const missing = needed.filter((command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).error !== undefined);
  if (missing.length === 0) {
    return undefined;
  }
  const why = `no Secret Service here: ${missing.join(', ')} not installed (apt-get install -y dbus gnome-keyring)`;
  if (process.env['CI'] === 'true') {
    throw new Error(`${why}; CI must run the keychain tests`);
  }
  return why;
}

export function startPrivateKeyring(): PrivateKeyring {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-keyring-'));
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const bus = spawnSync('dbus-daemon', ['--session', '--fork', '--nosyslog', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' });
  const [address, pid] = bus.stdout.trim().split('\n');
  if (bus.status !== 0 || !address || !pid) {
    throw new Error(`dbus-daemon did not start: ${bus.stderr || bus.error?.message}`);
  }
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_RUNTIME_DIR: runtime,
    DBUS_SESSION_BUS_ADDRESS: address,
  };
  const close = () => {
    // gnome-keyring-daemon leaves when its session bus goes.
    try {
      process.kill(Number(pid));
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const keyring = spawnSync('gnome-keyring-daemon', ['--daemonize', '--unlock', '--components=secrets'], { input: 'pw', env, encoding: 'utf8' });
  if (keyring.status !== 0) {
    close();
    throw new Error(`gnome-keyring-daemon did not start: ${keyring.stderr || keyring.error?.message}`);
  }
  for (const line of keyring.stdout.split('\n')) {
    const [name, ...value] = line.split('=');
    if (name && value.length > 0) {
      env[name] = value.join('=');
    }
  }
  return {
    env,
    lock() {
      const locked = spawnSync(
        'dbus-send',
        ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login'],
        { env, encoding: 'utf8' },
      );
      if (locked.status !== 0) {
        throw new Error(`Could not lock the test keyring: ${locked.stderr}`);
      }
    },
    close,
  };
}
