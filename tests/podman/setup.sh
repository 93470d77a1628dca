#!/usr/bin/env bash
# Starts a private Podman API service for fnlogs' Docker provider tests.
#
# Usage: tests/podman/setup.sh        (prints the DOCKER_HOST value, e.g. unix:///tmp/fnlogs-podman/podman.sock)
#        tests/podman/teardown.sh     (stops it and removes its state)
#
# Idempotent: packages are installed only when missing, the image is imported only once, and
# a service that already answers on the socket is reused. Everything lives under
# $FNLOGS_PODMAN_DIR (default /tmp/fnlogs-podman): configuration, storage (vfs driver), run
# state, the events log, the socket and the service's pid and log (Podman itself still makes
# an empty cache directory under /var/lib/containers and locks under /run/containers).
#
# Settings that work where no systemd and no real cgroup manager run (containers in CI):
# runc, cgroupfs, file events, no network namespace, explicit ulimits. Containers created
# through the API must also pass "HostConfig":{"NetworkMode":"none"}.
#
# Run it as root (rootless Podman needs subuid ranges this script does not set up). Only the
# socket's DOCKER_HOST value goes to stdout; progress goes to stderr. CI:
#   export FNLOGS_TEST_DOCKER_HOST="$(tests/podman/setup.sh)"; deno task test; tests/podman/teardown.sh
set -euo pipefail

DIR="${FNLOGS_PODMAN_DIR:-/tmp/fnlogs-podman}"
IMAGE="localhost/fnlogs-busybox:latest"
SOCK="$DIR/podman.sock"

log() { echo "podman-setup: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman runc busybox-static >&2
fi

mkdir -p "$DIR/storage" "$DIR/run" "$DIR/tmp" "$DIR/networks"
hard_nofile="$(ulimit -Hn)"
[ "$hard_nofile" = unlimited ] && hard_nofile=1048576

cat >"$DIR/containers.conf" <<CONF
[containers]
netns = "none"
default_ulimits = ["nofile=$hard_nofile:$hard_nofile", "nproc=32768:32768"]
log_driver = "k8s-file"

[network]
network_config_dir = "$DIR/networks"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$DIR/events.log"
tmp_dir = "$DIR/tmp"
CONF

cat >"$DIR/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$DIR/storage"
runroot = "$DIR/run"
CONF

export CONTAINERS_CONF="$DIR/containers.conf"
export CONTAINERS_STORAGE_CONF="$DIR/storage.conf"

# The env file lets a shell (or the teardown) run podman against the same state.
cat >"$DIR/env" <<ENV
export CONTAINERS_CONF="$DIR/containers.conf"
export CONTAINERS_STORAGE_CONF="$DIR/storage.conf"
export DOCKER_HOST="unix://$SOCK"
ENV

if ! podman image exists "$IMAGE"; then
  log "importing $IMAGE"
  rootfs="$(mktemp -d)"
  mkdir -p "$rootfs/bin" "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  tar -C "$rootfs" -cf "$DIR/rootfs.tar" .
  rm -rf "$rootfs"
  podman import --change 'CMD ["/bin/sh"]' "$DIR/rootfs.tar" "$IMAGE" >&2
  rm -f "$DIR/rootfs.tar"
fi

ping() {
  if command -v curl >/dev/null 2>&1; then
    curl -sf --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1
  else
    podman --remote --url "unix://$SOCK" version >/dev/null 2>&1
  fi
}

if ! ping; then
  if [ -f "$DIR/service.pid" ] && kill -0 "$(cat "$DIR/service.pid")" 2>/dev/null; then
    kill "$(cat "$DIR/service.pid")" || true
  fi
  rm -f "$SOCK"
  log "starting podman system service on $SOCK"
  nohup podman system service --time=0 "unix://$SOCK" >"$DIR/service.log" 2>&1 &
  echo $! >"$DIR/service.pid"
  for _ in $(seq 1 200); do
    ping && break
    if ! kill -0 "$(cat "$DIR/service.pid")" 2>/dev/null; then
      log "service exited; its log follows"
      cat "$DIR/service.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  ping || { log "service did not answer on $SOCK"; exit 1; }
fi

echo "unix://$SOCK"
