#!/usr/bin/env bash
# --segment and merge, as the Kubernetes Indexed Job uses them (ci/k8s/), with local processes:
# one process runs the whole test; 4 processes run --segment k/4 at the same time and `merge`
# combines their summaries. Both must plan the same iterations (exactly), send the same number of
# requests (within scheduling tolerance), and reach the same verdict on every threshold.
# Usage: segments_merge_test.sh BIN_DIR
set -euo pipefail
bin=$1
work=$(mktemp -d)
sandbox_pid=
cleanup() { [[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

RSOLV_WEBHOOK_SECRET=whsec_segments "$bin/rsolv-sandbox" serve --listen 127.0.0.1:0 --db "$work/db" >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do grep -q listening "$work/sandbox.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sandbox.out") || { cat "$work/sandbox.err"; exit 1; }

# Every executor whose amount of work is fixed, so the totals can be compared exactly.
cat >"$work/test.yaml" <<YAML
name: segments
base_url: $url
scenarios:
  shared:
    executor: shared-iterations
    vus: 3
    iterations: 40
    flow: [{name: health, url: /api/health, checks: [{status: 200}]}]
  per_vu:
    executor: per-vu-iterations
    vus: 4
    iterations: 5
    flow: [{name: health, url: /api/health}]
  constant_rate:
    executor: constant-arrival-rate
    rate: 20/1s
    duration: 3s
    preAllocatedVUs: 4
    flow: [{name: health, url: /api/health}]
  ramping_rate:
    executor: ramping-arrival-rate
    startRate: 0
    timeUnit: 1s
    preAllocatedVUs: 4
    stages: [{duration: 2s, target: 30}, {duration: 1s, target: 30}]
    flow: [{name: health, url: /api/health}]
thresholds:
  http_req_failed: ["rate<0.01"]
  http_reqs: ["count>100"]
  iterations: ["count<50"]
  checks: ["rate>0.99"]
YAML

set +e
"$bin/rsolv-loadgen" run "$work/test.yaml" --quiet --out "$work/whole.json" >"$work/whole.out" 2>&1
whole_code=$?
for k in 1 2 3 4; do
  "$bin/rsolv-loadgen" run "$work/test.yaml" --quiet --segment "$k/4" --out "$work/segment-$k.json" \
    >"$work/segment-$k.out" 2>&1 &
done
wait_codes=0
for job in $(jobs -p); do [[ $job == "$sandbox_pid" ]] || wait "$job" || wait_codes=$((wait_codes + 1)); done
"$bin/rsolv-loadgen" merge "$work"/segment-*.json --out "$work/merged.json" >"$work/merged.out" 2>&1
merged_code=$?
set -e

fail() { echo "segments_merge_test: $*"; exit 1; }
[[ -s "$work/whole.json" ]] || fail "the whole run wrote no summary: $(cat "$work/whole.out")"
[[ -s "$work/merged.json" ]] || fail "merge wrote no summary: $(cat "$work/merged.out")"
[[ $whole_code == 99 ]] || fail "the whole run should fail its 'iterations count<50' threshold (exit 99), got $whole_code"
[[ $merged_code == "$whole_code" ]] || fail "merge exited $merged_code, the whole run $whole_code"

count() { jq -r ".metrics.$2.values.count // 0" "$work/$1.json"; }
planned_whole=$(($(count whole iterations) + $(count whole dropped_iterations)))
planned_merged=$(($(count merged iterations) + $(count merged dropped_iterations)))
echo "planned iterations: whole $planned_whole, 4 segments merged $planned_merged"
[[ $planned_whole == "$planned_merged" ]] || fail "the segments planned $planned_merged iterations, the whole test $planned_whole"

reqs_whole=$(count whole http_reqs) reqs_merged=$(count merged http_reqs)
echo "requests: whole $reqs_whole, merged $reqs_merged"
python3 -c "import sys; a, b = $reqs_whole, $reqs_merged; sys.exit(0 if abs(a - b) <= max(2, 0.02 * a) else 1)" \
  || fail "request counts differ beyond 2%: whole $reqs_whole, merged $reqs_merged"

verdicts() { jq -S '[.thresholds | to_entries[] | {key, ok: (.value | if type == "object" then .ok else . end)}]' "$work/$1.json"; }
diff <(verdicts whole) <(verdicts merged) || fail "threshold verdicts differ (whole < > merged)"
[[ $(verdicts whole | jq length) -ge 4 ]] || fail "the summary lists $(verdicts whole | jq length) thresholds, expected 4"
echo "threshold verdicts identical: $(verdicts merged | jq -c 'map({(.key): .ok}) | add')"
