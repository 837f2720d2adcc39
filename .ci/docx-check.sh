#!/usr/bin/env bash
# DOCX in LibreOffice, by hand: installs LibreOffice (Debian libreoffice-writer-nogui) and the
# bundled fonts when missing, writes each sample's DOCX with the bundled font names
# (examples/docx.rs --bundled), converts it to PDF with LibreOffice, and measures that PDF with
# gbt9704_check.py (every check must pass). Keeps the PDFs and a PNG of each page for a look.
# The same checks, and an edited DOCX, run in `cargo test --release -- --include-ignored`
# (tests/docx.rs). Exit status 1 when any sample fails. Usage: .ci/docx-check.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
tools=${GONGKAI_TOOLS:-$(cd ../shared/tools && pwd)}
PY=${GONGKAI_PY:-$(bash "$tools/setup.sh" | tail -1)}
if ! command -v soffice >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui fontconfig) >/dev/null 2>&1 || {
    echo "docx-check: could not install LibreOffice" >&2; exit 2; }
fi
mkdir -p "$HOME/.fonts"
if ! fc-list | grep -q "Gongkai Serif"; then
  cp fonts/*.ttf "$HOME/.fonts/" && fc-cache -f >/dev/null 2>&1
fi
cargo build -q --release --example docx
bin=${CARGO_TARGET_DIR:-target}/release/examples/docx
status=0
for s in samples/*.yaml; do
  stem=$(basename "$s" .yaml)
  "$bin" "$s" "$out/$stem.docx" --bundled
  soffice -env:UserInstallation="file://$out/lo-profile" --headless --convert-to pdf --outdir "$out" "$out/$stem.docx" >/dev/null 2>&1
  if command -v pdftoppm >/dev/null 2>&1; then pdftoppm -r 60 -png "$out/$stem.pdf" "$out/$stem"; fi
  result=$("$PY" "$tools/gbt9704_check.py" "$out/$stem.pdf" || true)
  echo "$stem: $(echo "$result" | tail -1)"
  echo "$result" | grep '^FAIL' || true
  echo "$result" | tail -1 | grep -q ' 0 failed' || status=1
done
echo "docx-check: PDFs and PNGs in $out"
exit $status
