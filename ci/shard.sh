#!/usr/bin/env bash
# Runs shard K of N (1-based) of the ctest suite. ctest's -I start,end,stride picks every N-th test of
# the sorted test list, so the split is deterministic and the N shards together run every test once.
# Usage: ci/shard.sh K N [PRESET [extra ctest args...]]
set -euo pipefail
cd "$(dirname "$0")/.."
k="${1:?shard index 1..N}"; n="${2:?shard count}"; preset="${3:-default}"
shift $(($# < 3 ? $# : 3))
(( k >= 1 && k <= n )) || { echo "shard.sh: K must be in 1..$n, got $k" >&2; exit 2; }
ctest --preset "$preset" -I "$k,,$n" "$@"
