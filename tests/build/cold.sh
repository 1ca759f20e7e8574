#!/usr/bin/env bash
# The newcomer's first minutes, measured: a fresh clone of this checkout with an empty target
# directory (the registry cache as it is), then `cargo test` and `cargo run -- run`, each timed.
# Usage: tests/build/cold.sh [RUNS]   (default 1; prints one line per run)
# With TIMINGS=DIR, the first run's `cargo test` also writes cargo's --timings report into DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-1}"
for i in $(seq 1 "$runs"); do
  dir="$(mktemp -d)"
  git clone -q . "$dir/clone"
  (
    cd "$dir/clone"
    unset CARGO_TARGET_DIR
    s=$(date +%s.%N)
    timings=()
    if [ -n "${TIMINGS:-}" ] && [ "$i" -eq 1 ]; then timings=(--timings); fi
    cargo test --locked "${timings[@]}" >"$dir/test.log" 2>&1 || { echo "cargo test failed: $dir/test.log"; exit 1; }
    if [ ${#timings[@]} -gt 0 ]; then mkdir -p "$TIMINGS" && cp target/cargo-timings/cargo-timing.html "$TIMINGS/"; fi
    t=$(date +%s.%N)
    cargo run --locked -- run >"$dir/run.log" 2>&1 || { echo "cargo run -- run failed: $dir/run.log"; exit 1; }
    u=$(date +%s.%N)
    build=$(sed -n 's/.*Finished `test` profile .* in \(.*\)$/\1/p' "$dir/test.log" | head -n 1)
    python3 -c "import sys; a,b,c=map(float,sys.argv[1:4]); print(f'run {sys.argv[4]}: cargo test {b-a:.0f} s (build {sys.argv[5]}), cargo run -- run {c-b:.0f} s, together {c-a:.0f} s')" "$s" "$t" "$u" "$i" "$build"
  )
  rm -rf "$dir"
done
