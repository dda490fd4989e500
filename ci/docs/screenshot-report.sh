#!/usr/bin/env bash
# Regenerates docs/images/loadgen-report.png: a 2 s rsolv-loadgen run against a fresh rsolv-sandbox,
# its HTML report photographed by Debian's headless Chromium (apt-get install chromium).
# Usage: ci/docs/screenshot-report.sh [BIN_DIR (build/bin)] [OUT.png (docs/images/loadgen-report.png)]
# Exit 77 (a skip for ctest) when chromium is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/bin}
out=${2:-$root/docs/images/loadgen-report.png}
command -v chromium >/dev/null || { echo "screenshot-report.sh: chromium not found (apt-get install chromium)" >&2; exit 77; }
work=$(mktemp -d)
sandbox_pid=
cleanup() { [[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

RSOLV_WEBHOOK_SECRET=whsec_screenshot "$bin/rsolv-sandbox" serve --listen 127.0.0.1:0 --db "$work/db" \
  >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do grep -q listening "$work/sandbox.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sandbox.out") || { cat "$work/sandbox.err" >&2; exit 1; }

cat >"$work/report.yaml" <<YAML
name: sandbox health, 2 s
base_url: $url
scenarios:
  health:
    executor: constant-arrival-rate
    rate: 400
    timeUnit: 1s
    duration: 2s
    preAllocatedVUs: 20
    flow: [{name: health, url: /api/health, checks: [{status: 200}]}]
thresholds:
  http_req_duration: ["p(95)<50"]
  http_req_failed: ["rate<0.01"]
YAML
"$bin/rsolv-loadgen" run "$work/report.yaml" --quiet --html "$work/report.html" >/dev/null
# --virtual-time-budget: the page has no script; it only lets layout settle before the shot.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2000 \
  --virtual-time-budget=2000 --screenshot="$out" "file://$work/report.html" 2>/dev/null
[[ -s $out ]] || { echo "screenshot-report.sh: chromium wrote no $out" >&2; exit 1; }
echo "$out"
