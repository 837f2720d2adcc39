#!/usr/bin/env bash
# The README's pictures of `gongkai edit` (docs/edit-folder.png, docs/edit-report.png): taken by the
# browser tests that open the 2021 sample and break one of its totals, in headless Chromium through chromedriver.
# Needs the Debian packages chromium and chromium-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
for t in browser_opens_the_2021_sample browser_a_broken_total_is_marked_then_clean_again; do
  GONGKAI_SCREENSHOT_DIR="$PWD/docs" cargo test -q --release --test edit_web -- --include-ignored --exact "browser::$t"
done
ls -l docs/edit-folder.png docs/edit-report.png
