#!/usr/bin/env bash
# The monitoring stack for real, on loopback: a seeded rsolv-sandbox, an rsolv-loadgen run with
# --metrics-listen that makes the sandbox refuse (429), charge, and process signed webhooks, and a
# Prometheus server (Debian package) scraping both with ci/prometheus/prometheus.yml's jobs.
# Checks: (1) every metric the Grafana dashboard queries is in the tools' live exposition,
# (2) Prometheus scraped both targets, (3) its HTTP API returns series for every dashboard metric,
# and (4) every dashboard expression evaluates without error.
# Usage: monitoring_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
# A missing program skips the test (exit 77, ctest's SKIP_RETURN_CODE), as the other optional-tool
# tests do; ci/bootstrap.sh installs them all.
for tool in prometheus curl jq python3; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed (ci/bootstrap.sh installs it)"; exit 77; }
done
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "monitoring_test: timed out waiting for $what"; exit 1; }
    sleep 0.2
  done
}

secret="whsec_monitoring_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
"$bin/rsolv-sandbox" seed --db "$work/db" --out "$work/keys.json" >/dev/null
key_of() { jq -r --arg s "$1" '.customers[] | select(.state == $s) | .'"${2:-api_key}" "$work/keys.json"; }
RSOLV_WEBHOOK_SECRET=$secret "$bin/rsolv-sandbox" serve --listen 127.0.0.1:0 --db "$work/db" \
  --rate-limit-api 30/3600 >"$work/sandbox.out" 2>"$work/sandbox.err" &
pids+=($!)
wait_for 10 "the sandbox" grep -q listening "$work/sandbox.out"
sandbox=$(grep -o '127.0.0.1:[0-9]*' "$work/sandbox.out" | head -1)

loadgen_port=$(free_port)
prometheus_port=$(free_port)
# The repository's scrape config with loopback ports of this run and a 1 s interval.
sed -e "s/127.0.0.1:6565/127.0.0.1:$loadgen_port/" -e "s/127.0.0.1:4000/$sandbox/" \
    -e 's/scrape_interval: .*/scrape_interval: 1s/' "$src/ci/prometheus/prometheus.yml" >"$work/prometheus.yml"
grep -q "$sandbox" "$work/prometheus.yml" && grep -q "$loadgen_port" "$work/prometheus.yml" \
  || { echo "monitoring_test: ci/prometheus/prometheus.yml no longer has the loopback targets this test rewrites"; exit 1; }
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
api="http://127.0.0.1:$prometheus_port/api/v1"
wait_for 30 "Prometheus to start" curl -sf "http://127.0.0.1:$prometheus_port/-/ready"

# Traffic that makes every dashboard panel's metric exist: 429s (a 30/h key sending 60), card
# charges (a PAYG customer without credits), signed webhooks, checks, a threshold and an
# arrival-rate executor (dropped iterations).
cat >"$work/scenario.yaml" <<YAML
name: monitoring-smoke
base_url: http://$sandbox
scenarios:
  limited:
    executor: constant-arrival-rate
    rate: 6/1s
    duration: 12s
    preAllocatedVUs: 2
    flow:
      - name: entitlement
        url: /api/v1/entitlement
        headers: {x-api-key: "$(key_of trial_no_billing)"}
        expect: [200, 429]
        checks: [{status: 200}]
  deployments:
    executor: shared-iterations
    vus: 1
    iterations: 5
    flow:
      - name: deploy
        method: POST
        url: /api/v1/fix-deployments
        headers: {x-api-key: "$(key_of payg)"}
        json: {github_org: monitoring, repo_name: "smoke-\${iter}", pr_number: 1, commit_sha: "0123456789abcdef"}
        checks: [{status: 201}]
  webhooks:
    executor: constant-vus
    vus: 1
    duration: 12s
    flow:
      - name: webhook
        method: POST
        url: /api/webhooks/stripe
        sign: stripe
        secret: $secret
        event: invoice.payment_succeeded
        event_vars: {customer: "$(key_of pro_active stripe_customer_id)", price: price_pro_monthly}
        checks: [{status: 200}]
        sleep: {min: 200ms, max: 300ms}
thresholds:
  http_req_duration: ["p(95)<2000"]
YAML
"$bin/rsolv-loadgen" run "$work/scenario.yaml" --quiet --metrics-listen "127.0.0.1:$loadgen_port" \
  >"$work/loadgen.out" 2>&1 &
loadgen_pid=$!
pids+=($loadgen_pid)
loadgen_has() { curl -sf "http://127.0.0.1:$loadgen_port/metrics" | grep -q "^$1"; }
wait_for 10 "rsolv-loadgen's first samples" loadgen_has rsolv_loadgen_http_reqs_total

# (1) the live expositions, once the traffic has touched every path.
wait_for 10 "a charge and a 429" bash -c "curl -s http://$sandbox/metrics | grep -q '^rsolv_sandbox_charges_total' &&
  curl -s http://$sandbox/metrics | grep -q '^rsolv_sandbox_rate_limited_total'"
curl -sf "http://127.0.0.1:$loadgen_port/metrics" >"$work/loadgen.prom"
curl -sf "http://$sandbox/metrics" >"$work/sandbox.prom"
python3 "$src/ci/tests/dashboard_metrics.py" "$src/ci/grafana/rsolv-harness-dashboard.json" \
  "$work/loadgen.prom" "$work/sandbox.prom" >"$work/names.txt" || { cat "$work/names.txt"; exit 1; }
tail -1 "$work/names.txt"

# (2) both targets scraped and up.
targets_up() { [[ $(curl -s "$api/query" --data-urlencode 'query=sum(up{job=~"rsolv-loadgen|rsolv-sandbox"})' |
  jq -r '.data.result[0].value[1] // 0') == 2 ]]; }
wait_for 20 "Prometheus to scrape both tools" targets_up
echo "Prometheus scraped rsolv-loadgen and rsolv-sandbox"

# (3) every dashboard metric has series in Prometheus (scrapes continue while loadgen runs).
metrics=$(jq -r '.panels[].targets[]?.expr' "$src/ci/grafana/rsolv-harness-dashboard.json" |
  grep -o 'rsolv_[a-z_]*' | sort -u)
has_series() { [[ $(curl -s "$api/series" --data-urlencode "match[]=$1" | jq '.data | length') -gt 0 ]]; }
for metric in $metrics; do
  wait_for 15 "series of $metric in Prometheus" has_series "$metric"
done
echo "Prometheus has series for all $(wc -w <<<"$metrics") dashboard metrics"

# (4) every dashboard expression evaluates.
count=0
while IFS= read -r expr; do
  answer=$(curl -s "$api/query" --data-urlencode "query=$expr")
  [[ $(jq -r .status <<<"$answer") == success ]] || { echo "dashboard query fails: $expr: $answer"; exit 1; }
  count=$((count + 1))
done < <(jq -r '.panels[].targets[]?.expr' "$src/ci/grafana/rsolv-harness-dashboard.json")
echo "$count dashboard expressions evaluate"

wait "$loadgen_pid" || { code=$?; [[ $code == 99 ]] || { echo "rsolv-loadgen failed ($code):"; cat "$work/loadgen.out"; exit 1; }; }
echo "monitoring stack OK"
