#!/usr/bin/env bash
# Runs a command with a Secret Service of its own, for trying the standalone server's keychain on a
# machine without a desktop session (a container, CI, ssh): a private session D-Bus with
# gnome-keyring-daemon on it, whose `login` keyring is created in a temporary folder and unlocked.
# The caller's own keychain is never touched, and everything, keys included, is gone when the command ends.
#   scripts/with-keyring.sh bash -c 'echo sk-... | node dist/server/server.js keys set anthropic && node dist/server/server.js keys status'
#   scripts/with-keyring.sh node test/run.mjs unit
# (The unit tests do not need it: they start a private Secret Service of their own, test/unit/support/privateKeyring.ts.)
# Needs Debian's packages dbus and gnome-keyring (libsecret-tools adds `secret-tool` to look inside).
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "Usage: scripts/with-keyring.sh <command> [arguments…]" >&2
  exit 2
fi
for command in dbus-daemon dbus-send gnome-keyring-daemon; do
  if ! command -v "$command" >/dev/null; then
    echo "scripts/with-keyring.sh needs $command: apt-get install -y --no-install-recommends dbus gnome-keyring" >&2
    exit 1
  fi
done
keyring_dir="$(mktemp -d)"
mkdir -m 700 "$keyring_dir/run"
export XDG_DATA_HOME="$keyring_dir/data" XDG_RUNTIME_DIR="$keyring_dir/run"
# No display: a keyring that is locked fails at once instead of waiting for an unlock prompt.
unset DISPLAY WAYLAND_DISPLAY
# The bus and the keyring daemon are started here, each with its pid kept, so both end with the command
# (after dbus-run-session, a daemonized gnome-keyring-daemon was seen to stay behind).
{ read -r DBUS_SESSION_BUS_ADDRESS; read -r bus_pid; } < <(dbus-daemon --session --fork --nosyslog --print-address=1 --print-pid=1)
export DBUS_SESSION_BUS_ADDRESS
gnome-keyring-daemon --foreground --unlock --components=secrets <<<pw >/dev/null &
keyring_pid=$!
cleanup() {
  kill "$keyring_pid" 2>/dev/null || true
  wait "$keyring_pid" 2>/dev/null || true
  kill "$bus_pid" 2>/dev/null || true
  rm -rf "$keyring_dir"
}
trap cleanup EXIT
# Ready once it owns the Secret Service's name on the bus (up to 10 s).
for _ in $(seq 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.1
done
status=0
"$@" || status=$?
exit "$status"
