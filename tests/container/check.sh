#!/usr/bin/env bash
# The documented image (docker/Dockerfile with a static build), through the same path a vendor's
# image takes: `ecs-conformance run --image`, which starts it with testcontainers, runs the suite
# and removes it. Then the suite run inside the image, against its own embedded mock. Called by
# .ci/run after tests/container/engine.sh; without an engine it says it was not run (exit 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
target_dir="${CARGO_TARGET_DIR:-target}"

if ! docker info >/dev/null 2>&1; then
  echo "image check: not run: no container engine answers"
  exit 3
fi

RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --release --locked --target x86_64-unknown-linux-gnu --bin ecs-conformance
rm -rf docker/rootfs && mkdir -p docker/rootfs
cp "$target_dir/x86_64-unknown-linux-gnu/release/ecs-conformance" docker/rootfs/ecs-conformance
build_log="$(mktemp)"
docker build -q -t ecs-conformance-mock:check docker/ >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }

before="$(docker ps -a -q --filter ancestor=ecs-conformance-mock:check | sort)"
out="$(mktemp)"
"$target_dir/release/ecs-conformance" run --image ecs-conformance-mock:check | tee "$out" | grep -E "ready in|scenarios in"
grep -q ", 0 failed (0 documented, 0 observed, 0 chosen), 0 not run" "$out" || { echo "image check: the suite did not pass whole"; exit 1; }
after="$(docker ps -a -q --filter ancestor=ecs-conformance-mock:check | sort)"
[ "$before" = "$after" ] || { echo "image check: a container was left behind"; exit 1; }

# The image carries the suite too: run it inside the container, against its own embedded mock.
inside="$(mktemp)"
docker run --rm --entrypoint /ecs-conformance ecs-conformance-mock:check run | tee "$inside" | tail -n 2
grep -q ", 0 failed (0 documented, 0 observed, 0 chosen), 0 not run" "$inside" || { echo "image check: the suite did not pass whole inside the image"; exit 1; }
