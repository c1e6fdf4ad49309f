#!/usr/bin/env bash
# Packs a built tactful binary into the release archive action.yml downloads:
#   scripts/package-release.sh TARGET [BINARY] [OUT_DIR]
#     TARGET   a Rust target triple, e.g. x86_64-unknown-linux-gnu
#     BINARY   default target/TARGET/release/tactful[.exe] (then target/release/tactful)
#     OUT_DIR  default dist
# Writes OUT_DIR/tactful-TARGET.tar.gz (.zip for Windows targets) holding
# tactful-TARGET/{tactful[.exe],README.md,CHANGELOG.md}, and OUT_DIR/<archive>.sha256
# in `sha256sum` format. Used by .github/workflows/release.yml and tests/ci_release.rs.
set -euo pipefail
target=${1:?usage: package-release.sh TARGET [BINARY] [OUT_DIR]}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exe=tactful
case $target in *windows*) exe=tactful.exe ;; esac
bin=${2:-}
if [ -z "$bin" ]; then
  bin=$root/target/$target/release/$exe
  [ -f "$bin" ] || bin=$root/target/release/$exe
fi
out=${3:-$root/dist}
[ -f "$bin" ] || { echo "package-release: $bin not found: build it with cargo build --release --target $target" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
name=tactful-$target
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$bin" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp "$root/README.md" "$root/CHANGELOG.md" "$stage/$name/"
case $target in
  *windows*)
    archive=$name.zip
    rm -f "$out/$archive"
    if command -v 7z >/dev/null; then (cd "$stage" && 7z a -tzip -bso0 "$out/$archive" "$name")
    else (cd "$stage" && zip -qr "$out/$archive" "$name"); fi ;;
  *)
    archive=$name.tar.gz
    tar -C "$stage" -czf "$out/$archive" "$name" ;;
esac
if command -v sha256sum >/dev/null; then sum=$(cd "$out" && sha256sum "$archive")
else sum=$(cd "$out" && shasum -a 256 "$archive"); fi
echo "$sum" > "$out/$archive.sha256"
echo "package-release: $out/$archive ($(wc -c < "$out/$archive" | tr -d ' ') bytes)"
echo "package-release: $sum"
