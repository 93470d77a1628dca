#!/usr/bin/env bash
# Stops the Podman API service started by tests/podman/setup.sh and removes its state.
set -uo pipefail

DIR="${FNLOGS_PODMAN_DIR:-/tmp/fnlogs-podman}"
[ -d "$DIR" ] || exit 0

if [ -f "$DIR/containers.conf" ] && command -v podman >/dev/null 2>&1; then
  export CONTAINERS_CONF="$DIR/containers.conf"
  export CONTAINERS_STORAGE_CONF="$DIR/storage.conf"
  podman rm --all --force --time 0 >/dev/null 2>&1 || true
fi
if [ -f "$DIR/service.pid" ]; then
  pid="$(cat "$DIR/service.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
fi
# Anything still mounted under the state directory (container shm) goes first.
grep -o " $DIR/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount "$m" 2>/dev/null; done
rm -rf "$DIR"
