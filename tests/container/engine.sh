#!/usr/bin/env bash
# Makes sure a container engine answers, for cargo test's container checks and the image check:
# starts Debian's docker.io engine when none answers, installing it if needed. Without one, the
# checks that need it report themselves not run; this script does not fail.
set -uo pipefail
if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
if command -v dockerd >/dev/null 2>&1; then
  (dockerd >"${TMPDIR:-/tmp}/ecs-conformance-dockerd.log" 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
if docker info >/dev/null 2>&1; then
  echo "container engine: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
else
  echo "container engine: none answers (dockerd log: ${TMPDIR:-/tmp}/ecs-conformance-dockerd.log)"
fi
