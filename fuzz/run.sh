#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each) from the samples and saved regressions.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 enables the
# sanitizer flags it uses. A crash is saved under fuzz/artifacts/; copy it into fuzz/regressions/ and
# it becomes a test case (tests/fuzz_regressions.rs runs every file there through both pipelines).
set -euo pipefail
cd "$(dirname "$0")"
secs=${FUZZ_SECONDS:-60}
export RUSTC_BOOTSTRAP=1
for t in check render; do
  mkdir -p "corpus/$t"
  cp ../samples/*.yaml ../tests/bad/*.yaml regressions/* "corpus/$t/" 2>/dev/null || true
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=20
done
