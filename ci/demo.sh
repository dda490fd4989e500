#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, starts a local rsolv-sandbox on a free
# loopback port and drives every tool against it: the action's check and report, a Stripe lifecycle
# from the webhook simulator, a short load test and the security suites. Everything stays on 127.0.0.1
# and stops by itself; the sandbox is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/bootstrap.sh
ci/build.sh default >/dev/null

bin="$PWD/build/bin"
work="$(mktemp -d)"
secret="whsec_demo_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
sandbox_pids=()
cleanup() {
  for pid in "${sandbox_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# start_sandbox NAME [serve flags...]: seeds NAME.db, serves it on a free loopback port, sets $url.
start_sandbox() {
  local name=$1
  shift
  "$bin/rsolv-sandbox" seed --db "$work/$name.db" --out "$work/$name-keys.json"
  RSOLV_WEBHOOK_SECRET="$secret" "$bin/rsolv-sandbox" serve --listen 127.0.0.1:0 --db "$work/$name.db" "$@" \
    >"$work/$name.out" 2>"$work/$name.err" &
  sandbox_pids+=($!)
  for _ in $(seq 1 100); do
    [[ -s "$work/$name.out" ]] && break
    kill -0 "${sandbox_pids[-1]}" 2>/dev/null || { cat "$work/$name.err" >&2; exit 1; }
    sleep 0.05
  done
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/$name.out" | head -1)"
  echo "sandbox '$name' at $url"
}

step "rsolv-sandbox: seed nine customer states, serve on a free loopback port"
start_sandbox demo --rate-limit-api 100000/3600 --rate-limit-onboard 100000/3600 --access-log "$work/access.log"
demo_url="$url"
key_of() { jq -r --arg s "$1" '.customers[] | select(.state == $s) | .api_key' "$work/${2:-demo}-keys.json"; }

if [[ -x "$bin/rsolv-action" ]]; then
  step "rsolv-action check and report, as a GitHub runner would run them"
  export GITHUB_OUTPUT="$work/output" GITHUB_STEP_SUMMARY="$work/summary.md" GITHUB_REPOSITORY="acme/webapp"
  INPUT_API_KEY_VALUE="$(key_of trial_with_billing)"
  env "INPUT_API-KEY=$INPUT_API_KEY_VALUE" "INPUT_API-URL=$url" INPUT_COMMAND=check "$bin/rsolv-action" check
  env "INPUT_API-KEY=$INPUT_API_KEY_VALUE" "INPUT_API-URL=$url" INPUT_COMMAND=report "INPUT_PR-NUMBER=42" \
    "INPUT_COMMIT-SHA=0123456789abcdef0123456789abcdef01234567" "$bin/rsolv-action" report
  echo "-- the same report again bills nothing:"
  env "INPUT_API-KEY=$INPUT_API_KEY_VALUE" "INPUT_API-URL=$url" INPUT_COMMAND=report "INPUT_PR-NUMBER=42" \
    "INPUT_COMMIT-SHA=0123456789abcdef0123456789abcdef01234567" "$bin/rsolv-action" report
  echo "-- GITHUB_OUTPUT:"; cat "$GITHUB_OUTPUT"
  unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_REPOSITORY INPUT_API_KEY_VALUE
fi

if [[ -x "$bin/rsolv-webhook-sim" ]]; then
  step "rsolv-webhook-sim: a Pro sign-up lifecycle, signed for real, with duplicate deliveries"
  key="$(key_of payg)"
  cus="$(curl -s -H "x-api-key: $key" "$url/api/v1/customers/me" | jq -r .stripe_customer_id)"
  RSOLV_WEBHOOK_SECRET="$secret" "$bin/rsolv-webhook-sim" flow pro-signup --forward-to "$url/api/webhooks/stripe" \
    --customer "$cus" --duplicate 2 --expect 2xx
  echo "-- the customer after the flow:"
  curl -s -H "x-api-key: $key" "$url/api/v1/customers/me"; echo
fi

if [[ -x "$bin/rsolv-loadgen" ]]; then
  # A failed threshold (exit 99) is a result worth showing, not a broken demo.
  load() { "$@" || { local code=$?; [[ $code == 99 ]] || return $code; echo "(a threshold failed on this machine)"; }; }
  step "rsolv-loadgen: the sign-up load test (ramping VUs, thresholds), shortened to 8 s"
  RSOLV_TARGET="$url" SIGNUP_RAMP=3s SIGNUP_HOLD=5s SIGNUP_VUS=10 \
    load "$bin/rsolv-loadgen" run examples/loadgen/signup.yaml --out "$work/summary.json" --html "$work/loadgen.html"
  step "rsolv-loadgen: the webhook load test, signed for real, shortened to 6 s"
  RSOLV_TARGET="$url" RSOLV_WEBHOOK_SECRET="$secret" WEBHOOK_RATE=600/1m WEBHOOK_DURATION=6s \
    WEBHOOK_BURST_RATE=20/1s WEBHOOK_BURST_DURATION=2s WEBHOOK_BURST_START=2s \
    load "$bin/rsolv-loadgen" run examples/loadgen/webhooks.yaml --quiet
fi

if [[ -x "$bin/rsolv-security" ]]; then
  step "rsolv-security: every suite against a sandbox with production-like rate limits"
  # Its own sandbox: the rate-limit suite exhausts the limits it checks.
  start_sandbox security --rate-limit-api 200/3600 --rate-limit-onboard 30/3600 --access-log "$work/security-access.log"
  RSOLV_TARGET="$url" RSOLV_API_KEY="$(key_of payg security)" RSOLV_API_KEY_2="$(key_of pro_active security)" \
    RSOLV_WEBHOOK_SECRET="$secret" RSOLV_API_LIMIT=200 RSOLV_ONBOARD_LIMIT=30 \
    RSOLV_ACCESS_LOG="$work/security-access.log" \
    "$bin/rsolv-security" run --target examples/targets/sandbox.yaml --sarif "$work/security.sarif"
  url="$demo_url"
fi

step "sandbox metrics (excerpt)"
curl -s "$url/metrics" | grep -E '^rsolv_sandbox_(webhooks|credits|charges)' | head -20
echo
echo "demo done."
