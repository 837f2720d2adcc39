#!/usr/bin/env bash
# Cross-builds gongkai.exe (x86_64-pc-windows-gnu, one static file) on Debian, packs the release zip,
# and with --test runs it under wine against the Linux build. From Debian packages only:
#   rustc-web, cargo-web, rust-web-src (bookworm-security, Rust 1.96: std is rebuilt for the target
#   with -Zbuild-std, as Debian ships no prebuilt Windows std), gcc-mingw-w64-x86-64 (linker and C
#   compiler), and for --test: wine, wine64.
# Output: target/windows/gongkai.exe and target/windows/gongkai-windows-x86_64.zip.
# ~30 CPU-minutes from scratch on 2 cores (std and every crate compiled for Windows); incremental after.
set -euo pipefail
cd "$(dirname "$0")/.."
test_too=0
[ "${1:-}" = --test ] && test_too=1
say() { echo "windows: $*"; }

need=()
[ -x /usr/bin/cargo ] || need+=(cargo-web)
[ -x /usr/bin/rustc ] || need+=(rustc-web)
[ -d /usr/lib/rustlib/src ] || need+=(rust-web-src)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} from bookworm-security"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-security "${need[@]}") >/dev/null
fi
pkgs=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || pkgs+=(gcc-mingw-w64-x86-64)
command -v zip >/dev/null 2>&1 || pkgs+=(zip)
if [ $test_too = 1 ]; then command -v wine >/dev/null 2>&1 || pkgs+=(wine wine64); command -v curl >/dev/null 2>&1 || pkgs+=(curl); fi
if [ ${#pkgs[@]} -gt 0 ]; then
  say "installing ${pkgs[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}") >/dev/null
fi

# Debian's cargo and rustc, not rustup's; std rebuilt for the target; no DLL beside the .exe.
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="-C target-feature=+crt-static"
# No symbols in the shipped .exe (60 MB with them, most of it std's debug info).
export CARGO_PROFILE_RELEASE_STRIP=symbols
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
out=target/windows
start=$(date +%s)
/usr/bin/cargo build --release --locked --bin gongkai --target x86_64-pc-windows-gnu \
  -Zbuild-std=std,panic_abort --target-dir "$out/build"
cp "$out/build/x86_64-pc-windows-gnu/release/gongkai.exe" "$out/gongkai.exe"
say "built $out/gongkai.exe in $(( $(date +%s) - start )) s"

# The release zip: the program, a short 使用说明, the bundled fonts' licences.
rm -rf "$out/zip" && mkdir -p "$out/zip/gongkai"
cp "$out/gongkai.exe" scripts/windows/使用说明.txt fonts/OFL-*.txt "$out/zip/gongkai/"
(cd "$out/zip" && rm -f ../gongkai-windows-x86_64.zip && zip -qr -X ../gongkai-windows-x86_64.zip gongkai)
say "packed $out/gongkai-windows-x86_64.zip"

[ $test_too = 1 ] && exec bash scripts/windows/test-wine.sh "$out/gongkai.exe"
exit 0
