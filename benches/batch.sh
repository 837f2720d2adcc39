#!/usr/bin/env bash
# Batch throughput (issue 7): N copies of samples/qinghe-2021.yaml rendered to PDF + DOCX in one
# `gongkai render FOLDER` run, with -j 1 and -j 2 alternating; prints the median wall time of each,
# their ratio, and the peak RSS of the -j 2 run.
# Usage: benches/batch.sh [REPORTS] [RUNS]   (defaults 100 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
runs=${2:-5}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q
bin="${CARGO_TARGET_DIR:-target}/release/gongkai"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
for i in $(seq -w 1 "$n"); do cp samples/qinghe-2021.yaml "$work/in/r$i.yaml"; done
run() { "$bin" render "$work/in" -o "$work/out" -j "$1" --bundled-fonts >/dev/null 2>&1; }
[ -n "${EPOCHREALTIME:-}" ] || { echo "batch.sh: needs bash 5 (EPOCHREALTIME)" >&2; exit 1; }
one=(); two=()
run 2   # warm the page cache once
for _ in $(seq "$runs"); do
  s=$EPOCHREALTIME; run 1; e=$EPOCHREALTIME; one+=("$(echo "$e - $s" | bc -l)")
  s=$EPOCHREALTIME; run 2; e=$EPOCHREALTIME; two+=("$(echo "$e - $s" | bc -l)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m1=$(median "${one[@]}"); m2=$(median "${two[@]}")
rss=$(/usr/bin/time -f %M "$bin" render "$work/in" -o "$work/out" -j 2 --bundled-fonts 2>&1 >/dev/null | tail -1)
printf 'reports: %s (PDF + DOCX each), runs: %s alternating\n' "$n" "$runs"
printf -- '-j 1: median %.3f s\n' "$m1"
printf -- '-j 2: median %.3f s, peak RSS %d MB\n' "$m2" $((rss / 1024))
printf 'speed-up -j 2 over -j 1: %.2f\n' "$(echo "$m1 / $m2" | bc -l)"
