#!/usr/bin/env bash
# Scores a tactful binary with the rule packs of a folder loaded at run time (no rebuild needed
# after editing rules/*.toml): eval.py runs inside a temp folder whose tactful.toml says
# `builtin = false` and names every pack of RULES_DIR.
#   scripts/eval.sh [eval.py args...]        e.g. scripts/eval.sh --set ../shared/eval/dev.jsonl
# Env: TACTFUL_BIN (default target/release/tactful), RULES_DIR (default rules/).
# Shorthands for --set: even, odd (train-a/b halves), dev, realworld, and rewrites-even /
# rewrites-odd: the senior-lead rewrites of that half's flagged items as clean texts (any finding
# on them is a false positive). `scripts/eval.sh rules-test` runs `tactful rules test` on the packs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${TACTFUL_BIN:-$ROOT/target/release/tactful}
RULES=$(cd "${RULES_DIR:-$ROOT/rules}" && pwd)
EVAL=$ROOT/../shared/eval
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rewrites() { # half -> a jsonl of rewrites as clean items
  python3 - "$EVAL" "$1" > "$tmp/rewrites-$1.jsonl" <<'PY'
import json, sys
ev, half = sys.argv[1], sys.argv[2]
want = 0 if half == "even" else 1
for f in ("train-a.jsonl", "train-b.jsonl"):
    for line in open(f"{ev}/{f}", encoding="utf-8"):
        it = json.loads(line)
        d = "".join(c for c in it["id"] if c.isdigit())
        if it.get("rewrite") and d and int(d) % 2 == want:
            print(json.dumps({"id": it["id"] + "-rw", "format": it.get("format", "txt"),
                              "kind": it.get("kind", "reply"), "text": it["rewrite"],
                              "labels": [], "also_ok": []}))
PY
}
args=()
mode=eval
for a in "$@"; do
  case $a in
    even|odd) args+=(--set "$EVAL/train-a.jsonl" --set "$EVAL/train-b.jsonl" --ids "$a") ;;
    dev) args+=(--set "$EVAL/dev.jsonl") ;;
    realworld) args+=(--set "$EVAL/realworld/labels.jsonl") ;;
    rewrites-even|rewrites-odd) h=${a#rewrites-}; rewrites "$h"; args+=(--set "$tmp/rewrites-$h.jsonl") ;;
    rules-test) mode=rules-test ;;
    *) args+=("$a") ;;
  esac
done
{
  echo "builtin = false"
  printf 'packs = ['
  sep=
  for p in "$RULES"/*.toml; do printf '%s"%s"' "$sep" "$p"; sep=', '; done
  echo ']'
} > "$tmp/tactful.toml"
if [ "$mode" = rules-test ]; then
  (cd "$tmp" && "$BIN" rules test)
else
  TMPDIR=$tmp python3 "$ROOT/../shared/tools/eval.py" --bin "$BIN" "${args[@]}"
fi
