#!/usr/bin/env bash
# Makes sure a container engine answers, for cargo test's container checks and the image check:
# starts Debian's docker.io engine when none answers at the default socket, installing it if
# needed. Locally, without one, the checks that need it report themselves not run, and this script
# says so (exit 0). Under CI (`CI` set to anything but empty, 0 or false; .ci/run sets it) the
# image and `run --image` are deliverables: an engine that cannot be reached or started is a
# failure naming it (exit 1).
set -uo pipefail
ci() { case "${CI:-}" in "" | 0 | false) return 1 ;; *) return 0 ;; esac; }
default="unix:///var/run/docker.sock"
host="${DOCKER_HOST:-$default}"
log="${TMPDIR:-/tmp}/ecs-conformance-dockerd.log"
answers() { docker info >/dev/null 2>&1; }

if ! answers && [ "$host" = "$default" ]; then
  if ! command -v dockerd >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  if command -v dockerd >/dev/null 2>&1; then
    pidfile="$(mktemp)"
    # Detached: the engine outlives this script, for the steps after it.
    (dockerd >"$log" 2>&1 & echo $! >"$pidfile")
    pid="$(cat "$pidfile")"
    rm -f "$pidfile"
    for _ in $(seq 1 60); do
      answers && break
      kill -0 "$pid" 2>/dev/null || break # it exited: its log says why
      sleep 1
    done
  fi
fi
if answers; then
  echo "container engine at $host: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
  exit 0
fi
why="$(docker info 2>&1 | grep -v '^\s*$' | tail -n 1)"
if ci; then
  echo "container engine: none answers at $host, and CI requires one (the image and run --image are deliverables): ${why:-docker info failed}; dockerd log: $log" >&2
  exit 1
fi
echo "container engine: none answers at $host: the container checks will report themselves not run (${why:-docker info failed}; dockerd log: $log)"
