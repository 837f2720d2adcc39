#!/usr/bin/env bash
# `gongkai edit`: keystroke → updated findings and preview on screen, measured in headless Chromium
# (issue 20: ≤ 100 ms at p95 for the 2021 sample), with the server's share reported separately.
# Needs the Debian packages chromium and chromium-driver. Usage: benches/edit.sh [KEYS] (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromedriver >/dev/null || { echo "edit.sh: needs chromedriver (apt-get install chromium chromium-driver)" >&2; exit 1; }
cargo bench -q --bench edit -- "${1:-100}"
