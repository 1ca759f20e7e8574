#!/usr/bin/env bash
# The mock in a container: builds the static binary and a FROM-scratch image (docker/Dockerfile),
# runs it with its port published on loopback, and runs the whole suite against it. Called by
# .ci/run. Starts Debian's docker.io engine when none answers (installing it if needed); if no
# engine can be had, the check says it was not run, and why.
set -euo pipefail
cd "$(dirname "$0")/../.."
target_dir="${CARGO_TARGET_DIR:-target}"

if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  (dockerd >"${TMPDIR:-/tmp}/ecs-conformance-dockerd.log" 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
if ! docker info >/dev/null 2>&1; then
  echo "container check: not run: no Docker engine answers (dockerd log: ${TMPDIR:-/tmp}/ecs-conformance-dockerd.log)"
  exit 0
fi

RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --release --locked --target x86_64-unknown-linux-gnu --bin ecs-conformance
cp "$target_dir/x86_64-unknown-linux-gnu/release/ecs-conformance" docker/ecs-conformance
build_log="$(mktemp)"
docker build -q -t ecs-conformance-mock:check docker/ >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }

cid="$(docker run -d --rm -p 127.0.0.1::8080 ecs-conformance-mock:check)"
trap 'docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 50); do
  docker logs "$cid" 2>/dev/null | grep -q "listening on" && break
  sleep 0.1
done
port="$(docker port "$cid" 8080/tcp | head -n 1 | sed 's/.*://')"
echo "container $cid serves the mock on 127.0.0.1:$port"

out="$(mktemp)"
"$target_dir/release/ecs-conformance" run --endpoint "http://127.0.0.1:$port" | tee "$out" | tail -n 3
grep -q ", 0 failed (0 documented, 0 observed, 0 chosen), 0 not run" "$out" || { echo "container check: the suite did not pass whole"; exit 1; }

# The image carries the suite too: run it inside the container, against its own embedded mock.
inside="$(mktemp)"
docker run --rm --entrypoint /ecs-conformance ecs-conformance-mock:check run | tee "$inside" | tail -n 2
grep -q ", 0 failed (0 documented, 0 observed, 0 chosen), 0 not run" "$inside" || { echo "container check: the suite did not pass whole inside the image"; exit 1; }
