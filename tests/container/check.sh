#!/usr/bin/env bash
# The documented image (docker/Dockerfile), through the same path a vendor's image takes:
# `ecs-conformance run --image`, which starts it on the engine, runs the suite and removes it.
# Then the suite run inside the image, against its own embedded mock. Called by .ci/run after
# tests/container/engine.sh with the binary cargo test built (BINARY, default target/debug/…):
# it goes into the image with the libraries `ldd` names, at their paths, as the Dockerfile's
# header describes for a dynamically linked build; a static build of its own would compile the
# whole dependency graph again (docs/build.md). Without an engine it says it was not run (exit 3)
# — except under CI (`CI` set to anything but empty, 0 or false), where that is a failure naming
# the engine (exit 1): the image is a deliverable.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-${CARGO_TARGET_DIR:-target}/debug/ecs-conformance}"

if ! docker info >/dev/null 2>&1; then
  host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  why="$(docker info 2>&1 | grep -v '^\s*$' | tail -n 1 || true)"
  case "${CI:-}" in
    "" | 0 | false)
      echo "image check: not run: no container engine answers at $host (${why:-docker info failed})"
      exit 3
      ;;
  esac
  echo "image check: CI requires a container engine, and none answers at $host: ${why:-docker info failed}" >&2
  exit 1
fi

[ -x "$bin" ] || { echo "image check: no binary at $bin: run cargo test first"; exit 1; }
rm -rf docker/rootfs && mkdir -p docker/rootfs
cp "$bin" docker/rootfs/ecs-conformance
for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
  mkdir -p "docker/rootfs$(dirname "$lib")"
  cp "$lib" "docker/rootfs$lib"
done
build_log="$(mktemp)"
docker build -q -t ecs-conformance-mock:check docker/ >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }

before="$(docker ps -a -q --filter ancestor=ecs-conformance-mock:check | sort)"
out="$(mktemp)"
"$bin" run --image ecs-conformance-mock:check | tee "$out" | grep -E "ready in|scenarios: "
# The summary line: `N scenarios: … 0 failed (0 documented, 0 observed, 0 chosen; 0 at --fail-on
# LEVEL), 0 not run, …` (the part after `;` is the summary's since the view's printers).
whole=", 0 failed \(0 documented, 0 observed, 0 chosen(; 0 at --fail-on [a-z]+)?\), 0 not run"
grep -qE "$whole" "$out" || { echo "image check: the suite did not pass whole"; exit 1; }
after="$(docker ps -a -q --filter ancestor=ecs-conformance-mock:check | sort)"
[ "$before" = "$after" ] || { echo "image check: a container was left behind"; exit 1; }

# The image carries the suite too: run it inside the container, against its own embedded mock.
inside="$(mktemp)"
docker run --rm --entrypoint /ecs-conformance ecs-conformance-mock:check run | tee "$inside" | tail -n 2
grep -qE "$whole" "$inside" || { echo "image check: the suite did not pass whole inside the image"; exit 1; }
