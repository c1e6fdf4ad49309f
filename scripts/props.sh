#!/usr/bin/env bash
# Runs the property tests (tests/props.rs) with many more cases than
# `cargo test` does (48 per property there).
#   scripts/props.sh [CASES]     default 2000 cases per property
# Set CARGO_PROFILE=release for a faster run after a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-2000}"
profile=()
if [[ "${CARGO_PROFILE:-}" == release ]]; then profile=(--release); fi
echo "property tests: $cases cases per property (7 properties)"
TACTFUL_PROP_CASES="$cases" cargo test --locked "${profile[@]}" --test props -- --test-threads=2
