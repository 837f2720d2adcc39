#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each) from the samples, the bad inputs and the
# saved regressions. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain
# RUSTC_BOOTSTRAP=1 enables the sanitizer flags it uses. A crash fails the run; libFuzzer saves the
# input under fuzz/artifacts/ — copy it into fuzz/regressions/ and tests/fuzz_regressions.rs keeps it
# as a test. If the fuzz build itself cannot be made on this toolchain, that is reported and skipped.
set -uo pipefail
cd "$(dirname "$0")"
secs=${FUZZ_SECONDS:-60}
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz build >build.log 2>&1; then
  echo "fuzz: could not build the fuzz targets on this toolchain (see fuzz/build.log); fuzzing skipped" >&2
  tail -5 build.log >&2
  exit 0
fi
status=0
for t in check render; do
  mkdir -p "corpus/$t"
  cp ../samples/*.yaml ../tests/bad/*.yaml regressions/* "corpus/$t/" 2>/dev/null || true
  if ! cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 2>fuzz-$t.log; then
    echo "fuzz: target $t found a crash (see fuzz/artifacts/$t/ and fuzz/fuzz-$t.log)" >&2
    tail -30 "fuzz-$t.log" >&2
    status=1
  else
    echo "fuzz: $t ran ${secs}s, $(grep -o 'stat::number_of_executed_units: [0-9]*' "fuzz-$t.log" | tail -1 | awk '{print $2}') executions, no crash"
  fi
done
exit $status
