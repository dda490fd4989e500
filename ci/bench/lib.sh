# Shared by the ci/bench scripts. Sourced, not run.
#
# record_ratio BENCHMARK MEASURE RATIO GOAL: when ci/bench/run-all.sh runs the script it sets
# RSOLV_BENCH_RATIOS to a file; each comparison lands there as one tab-separated row, so run-all
# prints one table without parsing every script's own output. Outside run-all it does nothing.
record_ratio() {
  [[ -n "${RSOLV_BENCH_RATIOS:-}" ]] || return 0
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RSOLV_BENCH_RATIOS"
}

# start_sandbox BINARY WORK [serve flags...]: seeds WORK/sandbox.db (keys in WORK/keys.json, never
# printed), serves it on a free loopback port in the background and waits for its address line.
# Sets sandbox_pid (for the caller's EXIT trap to stop) and sandbox_url. The webhook secret comes in
# the flags or in RSOLV_WEBHOOK_SECRET set by the caller; the server's stdout and stderr stay in
# WORK/sandbox.out and WORK/sandbox.err, shown only when it dies before it is ready.
start_sandbox() {
  local binary="$1" work="$2"
  shift 2
  "$binary" seed --db "$work/sandbox.db" --out "$work/keys.json" >/dev/null || return 1
  "$binary" serve --listen 127.0.0.1:0 --db "$work/sandbox.db" "$@" >"$work/sandbox.out" 2>"$work/sandbox.err" &
  sandbox_pid=$!
  local tries
  for ((tries = 0; tries < 200; tries++)); do  # 10 s
    [[ -s "$work/sandbox.out" ]] && break
    kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.err" >&2; return 1; }
    sleep 0.05
  done
  sandbox_url="$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$work/sandbox.out" || true)"  # || true: set -e would end silently
  [[ -n "$sandbox_url" ]] || { echo "${0##*/}: the sandbox did not report its address" >&2; return 1; }
}
