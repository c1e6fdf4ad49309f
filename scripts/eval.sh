#!/usr/bin/env bash
# Scores a tactful binary with the rule packs of a folder loaded at run time (no rebuild needed
# after editing rules/*.toml): eval.py runs inside a temp folder whose tactful.toml says
# `builtin = false` and names every pack of RULES_DIR.
#   scripts/eval.sh [eval.py args...]        e.g. scripts/eval.sh --set ../shared/eval/dev.jsonl
# Env: TACTFUL_BIN (default target/release/tactful), RULES_DIR (default rules/).
# Shorthands for --set: even, odd (train-a/b halves), dev, realworld.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${TACTFUL_BIN:-$ROOT/target/release/tactful}
RULES=$(cd "${RULES_DIR:-$ROOT/rules}" && pwd)
EVAL=$ROOT/../shared/eval
args=()
for a in "$@"; do
  case $a in
    even|odd) args+=(--set "$EVAL/train-a.jsonl" --set "$EVAL/train-b.jsonl" --ids "$a") ;;
    dev) args+=(--set "$EVAL/dev.jsonl") ;;
    realworld) args+=(--set "$EVAL/realworld/labels.jsonl") ;;
    *) args+=("$a") ;;
  esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  echo "builtin = false"
  printf 'packs = ['
  sep=
  for p in "$RULES"/*.toml; do printf '%s"%s"' "$sep" "$p"; sep=', '; done
  echo ']'
} > "$tmp/tactful.toml"
TMPDIR=$tmp python3 "$ROOT/../shared/tools/eval.py" --bin "$BIN" "${args[@]}"
