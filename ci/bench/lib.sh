# Shared by the ci/bench scripts. Sourced, not run.
#
# record_ratio BENCHMARK MEASURE RATIO GOAL: when ci/bench/run-all.sh runs the script it sets
# RSOLV_BENCH_RATIOS to a file; each comparison lands there as one tab-separated row, so run-all
# prints one table without parsing every script's own output. Outside run-all it does nothing.
record_ratio() {
  [[ -n "${RSOLV_BENCH_RATIOS:-}" ]] || return 0
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RSOLV_BENCH_RATIOS"
}
