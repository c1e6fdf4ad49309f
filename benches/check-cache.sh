#!/usr/bin/env bash
# `tactful check --cache` at knowledge-base scale: the shared corpus replicated
# until it passes 50 MB (kb + macros, ~18,000 files), then
#   uncached   check without --cache
#   cold       check --cache with an empty cache (lints everything, writes the index)
#   warm       check --cache again, nothing changed
#   3 changed  check --cache after editing 3 files
# Prints wall times, best of 3 (the cache is emptied before each cold run), and the CPU time
# of one warm run (what it costs when the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
[ -d "$corpus" ] || { echo "SKIP: $corpus is absent"; exit 0; }
# TACTFUL_BIN=path measures that binary instead of building target/release/tactful.
[ -n "${TACTFUL_BIN:-}" ] || cargo build --release --quiet
bin=${TACTFUL_BIN:-$PWD/target/release/tactful}
work=$PWD/target/bench-cache
copies=${COPIES:-6}
if [ ! -f "$work/.copies-$copies" ]; then
  rm -rf "$work" && mkdir -p "$work"
  for i in $(seq 1 "$copies"); do cp -r "$corpus" "$work/copy-$i"; rm -f "$work/copy-$i/SOURCES.md"; done
  echo "# bench: built-in defaults" > "$work/tactful.toml"
  touch "$work/.copies-$copies"
fi
cd "$work"
bytes=$(find . -path ./.tactful-cache -prune -o -type f \( -name '*.md' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find . -path ./.tactful-cache -prune -o -type f \( -name '*.md' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -print | wc -l)
now() { date +%s.%N; }
timeit() { local s e; s=$(now); "$@" >/dev/null 2>&1 || true; e=$(now); echo "$e - $s" | bc; }
min() { echo "if ($1 < $2) $1 else $2" | bc; }
run() { "$bin" check --no-progress --format json "$@" copy-*; }
edit3() { for f in $(find copy-1/kb -name '*.md' | sort | head -3); do printf '\nEdited %s.\n' "$(now)" >> "$f"; done; }
u=999; c=999; w=999; e=999
for _ in 1 2 3; do
  u=$(min "$u" "$(timeit run)")
  rm -rf .tactful-cache
  c=$(min "$c" "$(timeit run --cache)")
  w=$(min "$w" "$(timeit run --cache)")
  edit3
  e=$(min "$e" "$(timeit run --cache)")
done
index=$(wc -c < .tactful-cache/check-v1.json)
cputime() { /usr/bin/time -o .cpu -f '%U %S' "$@" >/dev/null 2>&1 || true; tail -1 .cpu | awk '{print $1 + $2}'; }
cpu_u=$(cputime "$bin" check --no-progress --format json copy-*)
cpu=$(cputime "$bin" check --no-progress --format json --cache copy-*)
edit3
cpu_e=$(cputime "$bin" check --no-progress --format json --cache copy-*)
echo "corpus x$copies: $files files, $bytes bytes ($(echo "scale=1; $bytes / 1000000" | bc) MB), $(nproc) cores"
echo "uncached:  ${u}s"
echo "cold:      ${c}s (cache index $index bytes)"
echo "warm:      ${w}s (nothing changed)"
echo "3 changed: ${e}s"
echo "CPU time (user + sys, one run each): uncached ${cpu_u}s, warm ${cpu}s, 3 changed ${cpu_e}s"
