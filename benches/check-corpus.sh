#!/usr/bin/env bash
# `tactful check` over the whole corpus with all cores, side by side with
# `typos` (a spelling linter) on the same files. Prints wall times and MB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
[ -d "$corpus" ] || { echo "SKIP: $corpus is absent"; exit 0; }
cargo build --release --quiet
if ! command -v typos >/dev/null; then
  echo "installing typos-cli for the comparison (cargo install, once)..."
  cargo install typos-cli --quiet --locked || echo "typos-cli unavailable; comparison skipped"
fi
bytes=$(find "$corpus" -type f \( -name '*.md' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
kb_bytes=$(find "$corpus/kb" -type f -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$corpus" -type f \( -name '*.md' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) | wc -l)
timeit() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
best() { local b=999 t; for _ in 1 2 3 4 5; do t=$(timeit "$@"); b=$(echo "if ($t < $b) $t else $b" | bc); done; echo "$b"; }
t_all=$(best target/release/tactful check --no-progress --format json "$corpus")
t_kb=$(best target/release/tactful check --no-progress --format json "$corpus/kb")
echo "tactful check corpus: $files files, $bytes bytes, best of 5: ${t_all}s ($(echo "scale=1; $bytes / $t_all / 1000000" | bc) MB/s, $(nproc) cores)"
echo "tactful check kb:     $kb_bytes bytes, best of 5: ${t_kb}s ($(echo "scale=1; $kb_bytes / $t_kb / 1000000" | bc) MB/s)"
if command -v typos >/dev/null; then
  t_typos=$(best typos --format brief "$corpus/kb")
  echo "typos kb:             best of 5: ${t_typos}s ($(echo "scale=1; $kb_bytes / $t_typos / 1000000" | bc) MB/s)"
fi
