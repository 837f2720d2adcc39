#!/usr/bin/env bash
# Renders the pictures the README shows: page 1 and the page where 表三 (applications) begins,
# from the 2021 sample with the bundled fonts. Needs poppler-utils (pdftoppm, pdftotext).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run -q --release -- render samples/qinghe-2021.yaml -o "$out" --bundled-fonts --to pdf
pdf="$out/qinghe-2021.pdf"
pdftoppm -r 60 -f 1 -l 1 -png -singlefile "$pdf" docs/page1
# The page holding the heading 三、收到和处理政府信息公开申请情况.
n=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
for p in $(seq 1 "$n"); do
  if pdftotext -f "$p" -l "$p" "$pdf" - | grep -q "三、收到和处理政府信息公开申请情况"; then
    pdftoppm -r 60 -f "$p" -l "$p" -png -singlefile "$pdf" docs/applications-table
    break
  fi
done
ls -la docs/*.png
