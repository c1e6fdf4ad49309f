#!/usr/bin/env bash
# Lists every warning and error `tactful check` gives on ../shared/corpus (kb and macros) with
# the rule packs of RULES_DIR loaded at run time, each with its surrounding text, for the false-
# positive review of issue 9. The corpus is copied to a temp folder (never into the repo) whose
# tactful.toml names the packs.   scripts/corpus-review.sh [--summary]
# Env: TACTFUL_BIN (default target/release/tactful), RULES_DIR (default rules/).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${TACTFUL_BIN:-$ROOT/target/release/tactful}
RULES=$(cd "${RULES_DIR:-$ROOT/rules}" && pwd)
CORPUS=$ROOT/../shared/corpus
[ -d "$CORPUS" ] || { echo "corpus-review: $CORPUS is absent (needs ../shared beside the checkout)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$CORPUS" "$tmp/corpus"
{
  echo "builtin = false"
  printf 'packs = ['
  sep=
  for p in "$RULES"/*.toml; do printf '%s"%s"' "$sep" "$p"; sep=', '; done
  echo ']'
} > "$tmp/corpus/tactful.toml"
(cd "$tmp/corpus" && "$BIN" check . --format json --fail-on never --no-progress > "$tmp/out.json")
python3 - "$tmp/out.json" "$tmp/corpus" "${1:-}" <<'PY'
import collections, json, os, sys
out, base, mode = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open(out))
per = collections.Counter()
for f in d["files"]:
    src = None
    for x in f["diagnostics"]:
        if x["severity"] not in ("warning", "error"):
            continue
        per[x["category"]] += 1
        if mode == "--summary":
            continue
        if src is None:
            src = open(os.path.join(base, f["path"]), "rb").read()
        a, b = x["byte_range"]
        ctx = src[max(0, a - 150):b + 200].decode("utf-8", "replace").replace("\n", " ⏎ ")
        print(f"{x['rule']}\t{f['path']}\n    [{src[a:b].decode('utf-8', 'replace')}]  …{ctx}…\n")
print(d["summary"])
for c, n in sorted(per.items()):
    print(f"{c:30} {n}")
PY
