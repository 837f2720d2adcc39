#!/usr/bin/env bash
# DOCX in LibreOffice: installs LibreOffice (Debian libreoffice-writer-nogui) and the bundled fonts
# when missing, writes each sample's DOCX with the bundled font names, converts it to PDF with
# LibreOffice, and measures that PDF with ../shared/tools/gbt9704_check.py (must print
# "14 passed, 0 failed"). Exit status 1 when any sample fails. Usage: .ci/docx-check.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
PY=${GONGKAI_PY:-$(bash ../shared/tools/setup.sh | tail -1)}
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
  result=$("$PY" ../shared/tools/gbt9704_check.py "$out/$stem.pdf" || true)
  echo "$stem: $(echo "$result" | tail -1)"
  echo "$result" | grep '^FAIL' || true
  echo "$result" | tail -1 | grep -q ' 0 failed' || status=1
done
echo "docx-check: PDFs in $out"
exit $status
