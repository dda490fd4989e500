#!/usr/bin/env bash
# Stripe-Signature signing and verification: rsolv's harness/stripe next to Stripe's own Node library
# (npm `stripe`, installed into a temp folder), on the same ~3 KB invoice event, same secret and
# timestamp. First checks that both produce the same header, then prints ops/s of each and the ratio.
# Usage: ci/bench/stripe-signing.sh [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
payload="$PWD/ci/bench/data/invoice_event.json"
bench="$build/bin/bench_stripe_signature"
[[ -x "$bench" ]] || { echo "stripe-signing: $bench not built (run ci/build.sh)" >&2; exit 2; }
command -v node >/dev/null || { echo "stripe-signing: node is not installed (ci/bootstrap.sh)" >&2; exit 2; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund stripe >/dev/null 2>&1)
secret="whsec_bench_secret_0123456789"   # the same constant as harness/stripe/bench/signature_bench.cpp
timestamp=1700000000

cat >"$work/bench.js" <<'JS'
const fs = require('fs');
const Stripe = require('stripe');
const stripe = new Stripe('sk_test_unused');
const [payloadPath, secret, timestamp, mode] = process.argv.slice(2);
const payload = fs.readFileSync(payloadPath, 'utf8');
const t = Number(timestamp);
const header = stripe.webhooks.generateTestHeaderString({payload, secret, timestamp: t});
if (mode === 'header') { console.log(header); process.exit(0); }
function rate(fn) {          // ops/s over ~2 s of wall time, after a warm-up
  for (let i = 0; i < 2000; i++) fn();
  let n = 0; const start = process.hrtime.bigint(); let elapsed = 0n;
  while (elapsed < 2000000000n) { for (let i = 0; i < 1000; i++) fn(); n += 1000; elapsed = process.hrtime.bigint() - start; }
  return n / (Number(elapsed) / 1e9);
}
// constructEvent checks the signature against the current time; use a tolerance that covers t.
const tolerance = Math.floor(Date.now() / 1000) - t + 600;
const sign = rate(() => stripe.webhooks.generateTestHeaderString({payload, secret, timestamp: t}));
const verify = rate(() => stripe.webhooks.constructEvent(payload, header, secret, tolerance));
console.log(JSON.stringify({sign, verify}));
JS

node_header="$(node "$work/bench.js" "$payload" "$secret" "$timestamp" header)"
rsolv_header="$(RSOLV_BENCH_PAYLOAD="$payload" RSOLV_BENCH_PRINT_HEADER=1 "$bench")"
if [[ "$node_header" != "$rsolv_header" ]]; then
  echo "stripe-signing: headers differ for the same payload, secret and timestamp" >&2
  echo "  node : $node_header" >&2
  echo "  rsolv: $rsolv_header" >&2
  exit 1
fi

node_json="$(node "$work/bench.js" "$payload" "$secret" "$timestamp" bench)"
rsolv_json="$(RSOLV_BENCH_PAYLOAD="$payload" "$bench" --benchmark_filter='Invoice' --benchmark_min_time=2 --benchmark_format=json 2>/dev/null)"

node - "$node_json" "$rsolv_json" <<'JS'
const node = JSON.parse(process.argv[2]);
const rsolv = JSON.parse(process.argv[3]);
const opsPerSecond = (name) => {
  const b = rsolv.benchmarks.find((x) => x.name === name);
  const unit = {ns: 1e9, us: 1e6, ms: 1e3, s: 1}[b.time_unit];
  return unit / b.real_time;
};
const rows = [
  ['sign (3.3 KB invoice event)', opsPerSecond('BM_SignInvoice'), node.sign],
  ['verify (3.3 KB invoice event)', opsPerSecond('BM_VerifyInvoice'), node.verify],
];
const pad = (s, n) => String(s).padEnd(n);
console.log(pad('operation', 32) + pad('rsolv ops/s', 14) + pad('stripe-node ops/s', 19) + 'ratio');
for (const [name, r, n] of rows) {
  console.log(pad(name, 32) + pad(Math.round(r), 14) + pad(Math.round(n), 19) + (r / n).toFixed(2) + 'x');
}
JS
echo "headers identical: $node_header" | cut -c1-60
