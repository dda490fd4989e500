#!/usr/bin/env bash
# rsolv-sandbox next to nginx on the same machine: wrk (-t2 -c64 -d5s, --latency) against
#   1. nginx (Debian nginx-light, one worker) serving a small static JSON file,
#   2. rsolv-sandbox GET /api/v1/entitlement (seeded Pro customer, API rate limit raised),
#   3. rsolv-sandbox POST /api/webhooks/stripe (one pre-signed invoice.payment_succeeded, sent
#      over and over: the first is processed, the rest are duplicates, as Stripe retries are),
# and prints requests/s, p99 and the ratio to nginx's static rate. Goal: entitlement >= 0.5x.
# Everything binds to 127.0.0.1 and is stopped on exit.
# The machine is often shared, so the three runs are interleaved ROUNDS times (default 3) and the
# median round of each target is reported.
# Usage: ci/bench/sandbox-vs-nginx.sh [BUILD_DIR=build] [DURATION=5s]   (env ROUNDS=3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../.."
build="${1:-build}"
duration="${2:-5s}"
rounds="${ROUNDS:-3}"
sandbox="$build/bin/rsolv-sandbox"
[[ -x "$sandbox" ]] || { echo "sandbox-vs-nginx: $sandbox not built (run ci/build.sh)" >&2; exit 2; }
for tool in wrk nginx openssl python3; do
  command -v "$tool" >/dev/null || { echo "sandbox-vs-nginx: $tool is not installed (ci/bootstrap.sh)" >&2; exit 2; }
done

work="$(mktemp -d)"
sandbox_pid=""
nginx_pid=""
cleanup() {
  for pid in "$sandbox_pid" "$nginx_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# wrk is bounded twice: by -d and by a hard timeout in case a server stops answering.
run_wrk() { timeout 60 wrk -t2 -c64 -d"$duration" --latency "$@"; }
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }

# --- the sandbox, seeded, with the per-key API limit out of the way -------------------------------
secret="whsec_bench_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The secret in the environment, not on the command line (ps shows that).
RSOLV_WEBHOOK_SECRET="$secret" start_sandbox "$sandbox" "$work" --rate-limit-api 1000000000/3600
key_json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([c for c in d["customers"] if c["state"]=="pro_active"][0][sys.argv[2]])' "$work/keys.json" "$1"; }
api_key="$(key_json api_key)"
stripe_customer="$(key_json stripe_customer_id)"

# --- nginx: one worker, foreground, every path inside the temp dir --------------------------------
nginx_port="$(free_port)"
mkdir -p "$work/www" "$work/nginx-tmp"
chmod 755 "$work" "$work/www"
# About the size of an entitlement answer, so both sides move the same bytes.
curl -s -H "x-api-key: $api_key" "$sandbox_url/api/v1/entitlement" >"$work/www/entitlement.json"
chmod 644 "$work/www/entitlement.json"
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }
}
NGINX
nginx -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$nginx_port/entitlement.json" >/dev/null 2>&1 && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx-error.log" >&2; exit 1; }
  sleep 0.05
done

# --- wrk scripts: the key and the signature travel in files, not on a command line ---------------
cat >"$work/entitlement.lua" <<LUA
wrk.headers["x-api-key"] = "$api_key"
LUA
timestamp="$(date +%s)"
event_id="evt_bench$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '{"id":"%s","object":"event","api_version":"2025-10-29.clover","created":%s,"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"invoice.payment_succeeded","data":{"object":{"id":"in_bench0000000000000000000","object":"invoice","customer":"%s","billing_reason":"subscription_cycle","amount_paid":59900,"lines":{"object":"list","data":[{"id":"il_bench","object":"line_item","amount":59900,"pricing":{"type":"price_details","price_details":{"price":"price_pro_monthly"}}}]}}}}' \
  "$event_id" "$timestamp" "$stripe_customer" >"$work/event.json"
v1="$( (printf '%s.' "$timestamp"; cat "$work/event.json") | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)"
cat >"$work/webhook.lua" <<LUA
local f = assert(io.open("$work/event.json", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Stripe-Signature"] = "t=$timestamp,v1=$v1"
LUA
# The signed event must be accepted before it is worth measuring.
first="$(curl -s -X POST -H 'Content-Type: application/json' -H "Stripe-Signature: t=$timestamp,v1=$v1" \
  --data-binary @"$work/event.json" "$sandbox_url/api/webhooks/stripe")"
[[ "$first" == *'"status":"processed"'* ]] || { echo "sandbox-vs-nginx: webhook not accepted: $first" >&2; exit 1; }

echo "wrk -t2 -c64 -d$duration --latency, $rounds interleaved rounds (median shown), $(nproc) cores," \
     "nginx $(nginx -v 2>&1 | cut -d/ -f2) (1 worker), rsolv-sandbox $("$sandbox" --version | awk '{print $2}') ($(nproc) workers)"
for round in $(seq 1 "$rounds"); do
  run_wrk "http://127.0.0.1:$nginx_port/entitlement.json" >"$work/nginx.$round.txt"
  run_wrk -s "$work/entitlement.lua" "$sandbox_url/api/v1/entitlement" >"$work/entitlement.$round.txt"
  run_wrk -s "$work/webhook.lua" "$sandbox_url/api/webhooks/stripe" >"$work/webhook.$round.txt"
done
# The round with the median requests/s stands for each target.
for target in nginx entitlement webhook; do
  median="$(for f in "$work/$target".*.txt; do echo "$(rps "$f") $f"; done | sort -n | awk '{a[NR]=$2} END {print a[int((NR+1)/2)]}')"
  cp "$median" "$work/$target.txt"
done

nginx_rps="$(rps "$work/nginx.txt")"
status=0
printf '%-40s %12s %10s %10s %10s\n' "target" "requests/s" "p99" "vs nginx" "non-2xx"
for row in "nginx static file (GET /entitlement.json):nginx" \
           "sandbox GET /api/v1/entitlement:entitlement" \
           "sandbox POST /api/webhooks/stripe:webhook"; do
  label="${row%:*}"; file="$work/${row##*:}.txt"
  r="$(rps "$file")"
  bad="$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$file")"
  ratio="$(awk -v a="$r" -v b="$nginx_rps" 'BEGIN {printf "%.2fx", a / b}')"
  printf '%-40s %12s %10s %10s %10s\n' "$label" "$r" "$(p99 "$file")" "$ratio" "${bad:-0}"
  [[ "${row##*:}" == nginx ]] || record_ratio sandbox-vs-nginx "$label req/s vs nginx static" "$ratio" ">= 0.5x (entitlement)"
  if [[ -n "$bad" && "$bad" != "0" ]]; then status=1; fi
done
entitlement_ratio="$(awk -v a="$(rps "$work/entitlement.txt")" -v b="$nginx_rps" 'BEGIN {print a / b}')"
if awk -v r="$entitlement_ratio" 'BEGIN {exit !(r >= 0.5)}'; then
  echo "goal met: entitlement at ${entitlement_ratio}x of nginx's static rate (goal >= 0.5x)"
else
  echo "goal missed: entitlement at ${entitlement_ratio}x of nginx's static rate (goal >= 0.5x)"
fi
[[ $status -eq 0 ]] || echo "sandbox-vs-nginx: some responses were not 2xx (see the non-2xx column)" >&2
exit $status
