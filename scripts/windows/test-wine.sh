#!/usr/bin/env bash
# Runs gongkai.exe under wine and holds it against the Linux build of the same commit: `check` on
# every sample (same messages, Chinese intact, same exit code), `render --bundled-fonts` on every
# sample (PDF and DOCX byte-identical), a batch, `new`, a folder and file name with Chinese characters
# and spaces, the Windows font folder (a test face named 仿宋/FangSong put in C:\Windows\Fonts is
# chosen for the body), and the browser editor, started by a double-click (no arguments) and as `edit FOLDER`.
# Usage: scripts/windows/test-wine.sh target/windows/gongkai.exe
set -uo pipefail
cd "$(dirname "$0")/../.."
exe=$(realpath "$1")
say() { echo "windows: $*"; }
fails=0; total=0
pass() { total=$((total + 1)); say "ok   $*"; }
fail() { total=$((total + 1)); fails=$((fails + 1)); say "FAIL $*"; }

# The Linux build to compare with, by the project's own toolchain (not the cross-build's settings).
unset RUSTC RUSTC_BOOTSTRAP CARGO_PROFILE_RELEASE_STRIP
cargo build -q --release --bin gongkai
linux=$(realpath target/release/gongkai)

t=$(mktemp -d /tmp/gongkai-wine.XXXXXX)
trap 'rm -rf "$t"' EXIT
export WINEPREFIX=${GONGKAI_WINEPREFIX:-$PWD/target/windows/wineprefix} WINEDEBUG=-all
mkdir -p "$WINEPREFIX"
wineboot -i >/dev/null 2>&1 || true

# Wine 8 lacks bcryptprimitives.dll's ProcessPrng, which Rust's std (>= 1.78) imports and every
# Windows 10/11 has: a stand-in beside the test copy of the .exe, built here and never shipped.
bin="$t/bin"; mkdir -p "$bin"
cp "$exe" "$bin/gongkai.exe"
cat > "$t/prng.c" <<'C'
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  return RtlGenRandom(data, (ULONG)len);
}
C
x86_64-w64-mingw32-gcc -shared -O2 -o "$bin/bcryptprimitives.dll" "$t/prng.c" -ladvapi32
win() { wine "$bin/gongkai.exe" "$@"; }

# 1. check on every sample: the same output and exit code
for s in samples/*.yaml tests/bad/missing-row.yaml tests/bad/unknown-row.yaml; do
  "$linux" check "$s" >"$t/l.out" 2>&1; lc=$?
  win check "$s" >"$t/w.out" 2>&1; wc=$?
  if [ $lc = $wc ] && cmp -s "$t/l.out" "$t/w.out"; then
    pass "check $s (exit $wc)"
  else
    fail "check $s (exit linux $lc, wine $wc)"; diff "$t/l.out" "$t/w.out" | head -5
  fi
done

# 2. render every sample with the bundled fonts: byte-identical PDF and DOCX
mkdir -p "$t/l" "$t/w"
for s in samples/*.yaml; do
  n=$(basename "$s" .yaml)
  "$linux" render "$s" --bundled-fonts -o "$t/l" >/dev/null 2>&1
  win render "$s" --bundled-fonts -o "$t/w" >"$t/w.out" 2>&1
  if cmp -s "$t/l/$n.pdf" "$t/w/$n.pdf" && cmp -s "$t/l/$n.docx" "$t/w/$n.docx"; then
    pass "render $s: PDF and DOCX identical"
  else
    fail "render $s: outputs differ"; cat "$t/w.out" | head -5
  fi
done

# 3. a batch (a folder)
win render samples --bundled-fonts -o "$t/batch" >"$t/w.out" 2>&1
if cmp -s "$t/l/liwang-2020.pdf" "$t/batch/liwang-2020.pdf" && cmp -s "$t/l/qinghe-2021.docx" "$t/batch/qinghe-2021.docx"; then
  pass "batch render of samples/"
else
  fail "batch render of samples/"; head -5 "$t/w.out"
fi

# 4. a folder and file name with Chinese characters and spaces; `new` into it
d="$t/报告 目录"; mkdir -p "$d"
cp samples/liwang-2020.yaml "$d/李旺镇 2020 年.yaml"
win render "$d/李旺镇 2020 年.yaml" --bundled-fonts >"$t/w.out" 2>&1
if cmp -s "$t/l/liwang-2020.pdf" "$d/李旺镇 2020 年.pdf" && [ -s "$d/李旺镇 2020 年.docx" ]; then
  pass "render into a Chinese path with spaces"
else
  fail "render into a Chinese path with spaces"; head -5 "$t/w.out"
fi
"$linux" new --organ 某县某局 --year 2025 -o "$t/l-new.yaml" >/dev/null 2>&1
win new --organ 某县某局 --year 2025 -o "$d/新 报告.yaml" >"$t/w.out" 2>&1
if cmp -s "$t/l-new.yaml" "$d/新 报告.yaml"; then
  pass "new writes the same template to a Chinese path"
else
  fail "new"; head -5 "$t/w.out"
fi

# 5. the Windows font folder: a face named 仿宋 / FangSong in C:\Windows\Fonts sets the body
fontdir="$WINEPREFIX/drive_c/windows/Fonts"; mkdir -p "$fontdir"
PY=${GONGKAI_PY:-python3}
if "$PY" -c "import fontTools" 2>/dev/null || "$PY" -m pip install -q fonttools >/dev/null 2>&1; then
  "$PY" - fonts/GongkaiSerif-Regular.ttf "$fontdir/testfang.ttf" <<'PYEOF'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1])
for r in f["name"].names:
    if r.nameID in (1, 4, 16):
        r.string = "FangSong" if r.langID == 0x409 else "仿宋"
    elif r.nameID == 6:
        r.string = "TestFangSong"
f.save(sys.argv[2])
PYEOF
  win fonts >"$t/fonts.out" 2>&1
  win render samples/qinghe-2021.yaml --to pdf -o "$t/f" >/dev/null 2>&1
  if grep -q 'testfang' "$t/fonts.out" && grep -a -q 'TestFangSong' "$t/f/qinghe-2021.pdf"; then
    pass "C:\\Windows\\Fonts: the 仿宋 face is chosen and embedded"
  else
    fail "C:\\Windows\\Fonts: the 仿宋 face was not chosen"; cat "$t/fonts.out"
  fi
  rm -f "$fontdir/testfang.ttf"
else
  fail "fontTools could not be installed to make the test face"
fi

# 6–7. the browser editor, started as a double-click (no arguments: the folder it stands in) and as
#      `gongkai edit FOLDER`: served on 127.0.0.1, the token required, the folder's reports listed
#      and checked as on Linux
mkdir -p "$t/e" && cp samples/*.yaml "$t/e/"
editor_serves() { # $1: what, $2: its console output file, $3: its pid
  local url="" base token denied
  for _ in $(seq 60); do
    url=$(grep -a -o 'http://127\.0\.0\.1:[0-9]*/?token=[0-9a-f]*' "$2" | head -1)
    [ -n "$url" ] && break
    sleep 0.5
  done
  if [ -n "$url" ]; then
    base=${url%%/\?*}; token=${url##*token=}
    denied=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/folder")
    curl -s "$base/api/folder?token=$token" >"$t/folder.json"
    if [ "$denied" != 200 ] && grep -q '"organ":"青禾县自然资源局"' "$t/folder.json" \
       && grep -q '"organ":"海原县李旺镇人民政府"' "$t/folder.json" && grep -q '"status":"通过"' "$t/folder.json"; then
      pass "$1: the folder's reports served on 127.0.0.1 with the token (without it: $denied)"
    else
      fail "$1: folder listing (without the token: $denied)"; head -c 300 "$t/folder.json"; echo
    fi
  else
    fail "$1: no address printed"; head -5 "$2"
  fi
  kill "$3" 2>/dev/null; wineserver -k 2>/dev/null || true
}
(cd "$t/e" && exec wine "$bin/gongkai.exe" </dev/null >"$t/click.out" 2>&1) &
editor_serves "double-click" "$t/click.out" $!
grep -q '在浏览器中填写' "$t/click.out" || fail "double-click: no word of what it does"
win edit "$t/e" --no-browser >"$t/edit.out" 2>&1 &
editor_serves "edit FOLDER" "$t/edit.out" $!

say "wine checks: $((total - fails)) of $total agree with Linux"
[ $fails = 0 ]
