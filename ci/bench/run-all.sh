#!/usr/bin/env bash
# Every comparison benchmark in one command, then one table of ratios (ours / peer's):
#   stripe-signing    harness/stripe vs Stripe's Node library (sign, verify)
#   sandbox-vs-nginx  rsolv-sandbox vs nginx serving a static file (wrk)
#   action-vs-node    rsolv-action check vs the same call from a Node.js script
#   loadgen-vs-wrk    rsolv-loadgen vs wrk against nginx (req/s, req per CPU-second, memory/connection)
# Each script's full output goes to BUILD_DIR/bench/<name>.log; a failing script is reported in the
# table and makes the exit code 1, the others still run.
# Usage: ci/bench/run-all.sh [BUILD_DIR=build]
set -uo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
[[ -d "$build/bin" ]] || { echo "run-all: $build/bin does not exist (run ci/build.sh)" >&2; exit 2; }
logs="$build/bench"
mkdir -p "$logs"
export RSOLV_BENCH_RATIOS="$logs/ratios.tsv"
: >"$RSOLV_BENCH_RATIOS"

status=0
failed=()
for name in stripe-signing sandbox-vs-nginx action-vs-node loadgen-vs-wrk; do
  script="ci/bench/$name.sh"
  if [[ ! -x "$script" ]]; then
    failed+=("$name: $script is missing")
    status=1
    continue
  fi
  echo "== $name" >&2
  if ! "$script" "$build" >"$logs/$name.log" 2>&1; then
    failed+=("$name: failed (see $logs/$name.log)")
    status=1
  fi
  tail -n 12 "$logs/$name.log" >&2
done

echo
printf '%-18s %-58s %10s  %s\n' benchmark measure ratio goal
sort -s -t $'\t' -k1,1 "$RSOLV_BENCH_RATIOS" | while IFS=$'\t' read -r bench measure ratio goal; do
  printf '%-18s %-58s %10s  %s\n' "$bench" "$measure" "$ratio" "$goal"
done
for line in "${failed[@]}"; do echo "FAILED $line"; done
exit $status
