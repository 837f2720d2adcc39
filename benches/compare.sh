#!/usr/bin/env bash
# Side by side with Typst (issues 7 and 18): the same report (benches/typst/liwang-2020.typ, written
# by `cargo run --release --example typst_export`), the same bundled fonts, alternating runs.
# Typst is timed two ways, as issue 18 allows both: its compiled program (`typst compile`, a cold
# process started by the same shell, as gongkai is; built once with `cargo install typst-cli` into
# ~/.cache/gongkai-bench, ~20 min on 2 cores) and in-process (`typst.compile` timed inside Python:
# neither the interpreter's start-up nor `import typst`, which loads Typst's library, is counted).
# Prints the median wall times and both ratios, the PDF sizes and the peak RSS.
# Usage: benches/compare.sh [RUNS]   (default 11)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
venv=${TYPST_VENV:-$HOME/.cache/gongkai-bench/typst-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import typst" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "typst==0.15.2"
fi
cli_root=${TYPST_CLI_ROOT:-$HOME/.cache/gongkai-bench/typst-cli}
typst_cli=$cli_root/bin/typst
if [ ! -x "$typst_cli" ]; then
  echo "compare.sh: building typst-cli 0.15.1 once (~20 min) into $cli_root" >&2
  cargo install -q typst-cli --version 0.15.1 --locked --root "$cli_root"
fi
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q
bin="${CARGO_TARGET_DIR:-target}/release/gongkai"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sample=samples/liwang-2020.yaml
typ=benches/typst/liwang-2020.typ
cargo run -q --release --example typst_export -- "$sample" > "$out/check.typ"
cmp -s "$out/check.typ" "$typ" || { echo "compare.sh: $typ is stale; regenerate it with the typst_export example" >&2; exit 1; }

gk() { "$bin" render "$sample" -o "$out/g" --bundled-fonts >/dev/null 2>&1; }
# Typst's cold compile timed inside its interpreter: a fresh process each run, but neither the
# interpreter's start-up nor `import typst` counted (they are the Python wrapper's, not Typst's).
ty() { "$venv/bin/python" -c "import time, typst; s = time.perf_counter(); typst.compile('$typ', output='$out/typst.pdf', font_paths=['fonts']); print(time.perf_counter() - s)"; }
# Bash's own clock: `$(date +%s.%N)` would fork and exec a process inside every timed interval
# (~3-8 ms here, as much as a whole gongkai run).
[ -n "${EPOCHREALTIME:-}" ] || { echo "compare.sh: needs bash 5 (EPOCHREALTIME)" >&2; exit 1; }
tc() { "$typst_cli" compile --ignore-system-fonts --font-path fonts "$typ" "$out/typst-cli.pdf" >/dev/null 2>&1; }
ga=(); ta=(); ca=()
gk; ty >/dev/null; tc   # warm the page cache for all three, once
for i in $(seq "$runs"); do
  s=$EPOCHREALTIME; gk; e=$EPOCHREALTIME; ga+=("$(echo "$e - $s" | bc -l)")
  s=$EPOCHREALTIME; tc; e=$EPOCHREALTIME; ca+=("$(echo "$e - $s" | bc -l)")
  ta+=("$(ty)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
gm=$(median "${ga[@]}"); tm=$(median "${ta[@]}"); cm=$(median "${ca[@]}")
grss=$(/usr/bin/time -f %M "$bin" render "$sample" -o "$out/g" --bundled-fonts 2>&1 >/dev/null | tail -1)
crss=$(/usr/bin/time -f %M "$typst_cli" compile --ignore-system-fonts --font-path fonts "$typ" "$out/typst-cli.pdf" 2>&1 >/dev/null | tail -1)
trss=$( { /usr/bin/time -f %M "$venv/bin/python" -c "import typst; typst.compile('$typ', output='$out/typst.pdf', font_paths=['fonts'])"; } 2>&1 | tail -1)
printf 'runs: %s alternating\n' "$runs"
printf 'gongkai render (PDF + DOCX): median %.3f s, peak RSS %d MB, PDF %d bytes, DOCX %d bytes\n' "$gm" $((grss / 1024)) "$(stat -c %s "$out/g/liwang-2020.pdf")" "$(stat -c %s "$out/g/liwang-2020.docx")"
printf 'typst compile, program:       median %.3f s, peak RSS %d MB, PDF %d bytes\n' "$cm" $((crss / 1024)) "$(stat -c %s "$out/typst-cli.pdf")"
printf 'typst.compile, in-process:    median %.3f s, peak RSS %d MB, PDF %d bytes\n' "$tm" $((trss / 1024)) "$(stat -c %s "$out/typst.pdf")"
printf 'ratio gongkai/typst program:    %.3f\n' "$(echo "$gm / $cm" | bc -l)"
printf 'ratio gongkai/typst in-process: %.3f\n' "$(echo "$gm / $tm" | bc -l)"
