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
for command in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$command" >/dev/null; then
    echo "scripts/with-keyring.sh needs $command: apt-get install -y --no-install-recommends dbus gnome-keyring" >&2
    exit 1
  fi
done
keyring_dir="$(mktemp -d)"
trap 'rm -rf "$keyring_dir"' EXIT
mkdir -m 700 "$keyring_dir/run"
# No display: a keyring that is locked fails at once instead of waiting for an unlock prompt.
env -u DISPLAY -u WAYLAND_DISPLAY XDG_DATA_HOME="$keyring_dir/data" XDG_RUNTIME_DIR="$keyring_dir/run" \
  dbus-run-session -- bash -c '
    eval "$(printf pw | gnome-keyring-daemon --daemonize --unlock --components=secrets | sed "s/^/export /")"
    "$@"' with-keyring "$@"
