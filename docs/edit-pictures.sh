#!/usr/bin/env bash
# The README's pictures of `gongkai edit` (docs/edit-folder.png, docs/edit-report.png): taken by the
# browser test that opens the 2021 sample, in headless Chromium through chromedriver.
# Needs the Debian packages chromium and chromium-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
GONGKAI_SCREENSHOT_DIR="$PWD/docs" cargo test -q --release --test edit_web \
  browser_opens_the_2021_sample -- --include-ignored --exact browser::browser_opens_the_2021_sample
ls -l docs/edit-folder.png docs/edit-report.png
