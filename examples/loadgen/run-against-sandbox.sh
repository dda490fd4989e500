#!/bin/sh
# Runs one example scenario (docs/platform-contract.md#load-and-timing-references) against a fresh rsolv-sandbox on a free loopback port, then
# stops the sandbox. Exit status: rsolv-loadgen's (0 pass, 99 thresholds failed, other: error).
#
#   examples/loadgen/run-against-sandbox.sh examples/loadgen/signup.yaml [run options...]
#   RSOLV_BIN=/path/to/bin examples/loadgen/run-against-sandbox.sh examples/loadgen/webhooks.yaml --html report.html
# The tools are taken from RSOLV_BIN, else build/bin, else PATH (an installed release).
#
# The sandbox gets the webhook secret from RSOLV_WEBHOOK_SECRET (a development default otherwise),
# the same variable the webhooks scenario signs with, and a raised onboarding limit (the signup
# and webhook scenarios onboard many customers from one IP). The API limit stays at its default,
# 500 per key per hour, which the rate-limit scenario checks.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 SCENARIO.yaml [rsolv-loadgen run options...]" >&2
  exit 2
fi
# The tools: RSOLV_BIN, else a source build's build/bin, else the installed ones on PATH.
if [ -n "${RSOLV_BIN:-}" ]; then
  bin=$RSOLV_BIN
elif [ -x build/bin/rsolv-loadgen ]; then
  bin=build/bin
else
  bin=$(dirname "$(command -v rsolv-loadgen || echo /nonexistent/rsolv-loadgen)")
fi
scenario=$1
shift
for tool in rsolv-sandbox rsolv-loadgen; do
  if [ ! -x "$bin/$tool" ]; then
    echo "$0: error: $bin/$tool not found (install rsolv-harness, build it, or set RSOLV_BIN to the folder holding it)" >&2
    exit 2
  fi
done
export RSOLV_WEBHOOK_SECRET="${RSOLV_WEBHOOK_SECRET:-whsec_rsolv_sandbox_dev}"
tmp=$(mktemp -d)
"$bin/rsolv-sandbox" serve --listen 127.0.0.1:0 --db "$tmp/sandbox.db" \
  --rate-limit-onboard 1000000/3600 >"$tmp/sandbox.out" 2>"$tmp/sandbox.err" &
sandbox=$!
trap 'kill "$sandbox" 2>/dev/null || true; wait "$sandbox" 2>/dev/null || true; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# The sandbox prints "listening on http://HOST:PORT" as its first line once it accepts.
line=""
tries=0
while [ $tries -lt 100 ]; do
  line=$(head -n 1 "$tmp/sandbox.out" 2>/dev/null || true)
  case "$line" in "listening on "*) break ;; esac
  if ! kill -0 "$sandbox" 2>/dev/null; then
    echo "$0: error: rsolv-sandbox did not start: $(cat "$tmp/sandbox.err")" >&2
    exit 2
  fi
  tries=$((tries + 1))
  sleep 0.1
done
case "$line" in
  "listening on "*) ;;
  *) echo "$0: error: rsolv-sandbox did not report its address within 10 s" >&2; exit 2 ;;
esac
RSOLV_TARGET=${line#listening on }
export RSOLV_TARGET
echo "sandbox at $RSOLV_TARGET" >&2
status=0
"$bin/rsolv-loadgen" run "$scenario" "$@" || status=$?
exit $status
