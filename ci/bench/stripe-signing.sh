#!/usr/bin/env bash
# Stripe-Signature signing and verification: rsolv's harness/stripe next to Stripe's own Node library
# (npm `stripe`, installed into a temp folder), on the same ~3 KB invoice event, same secret and
# timestamp. First checks that both produce the same header, then prints ops/s of each and the ratio.
# Usage: ci/bench/stripe-signing.sh [BUILD_DIR=build]   (STRIPE_BENCH_SECONDS=2: time per operation per side)
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
payload="$PWD/ci/bench/data/invoice_event.json"
bench="$build/bin/bench_stripe_signature"
[[ -x "$bench" ]] || { echo "stripe-signing: $bench not built (run ci/build.sh)" >&2; exit 2; }
command -v node >/dev/null || { echo "stripe-signing: node is not installed (ci/bootstrap.sh)" >&2; exit 2; }

seconds="${STRIPE_BENCH_SECONDS:-2}"
[[ "$seconds" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "stripe-signing: STRIPE_BENCH_SECONDS must be a number of seconds" >&2; exit 2; }

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm init -y >/dev/null 2>&1 && npm install --silent --no-audit --no-fund stripe >"$work/npm.log" 2>&1); then
  echo "stripe-signing: 'npm install stripe' failed (is the npm registry reachable?):" >&2
  tail -n 20 "$work/npm.log" >&2
  exit 2
fi
secret="whsec_bench_secret_0123456789"   # the same constant as harness/stripe/bench/signature_bench.cpp
timestamp=1700000000

cat >"$work/bench.js" <<'JS'
const fs = require('fs');
const Stripe = require('stripe');
const stripe = new Stripe('sk_test_unused');
const [payloadPath, secret, timestamp, mode, seconds] = process.argv.slice(2);
const payload = fs.readFileSync(payloadPath, 'utf8');
const t = Number(timestamp);
const header = stripe.webhooks.generateTestHeaderString({payload, secret, timestamp: t});
if (mode === 'header') { console.log(header); process.exit(0); }
if (mode === 'spec') {       // the known vector of docs/platform-contract.md#signatures
  const spec = '{"id":"evt_1","object":"event","type":"invoice.payment_succeeded","data":{"object":{"id":"in_1"}}}';
  console.log(stripe.webhooks.generateTestHeaderString({payload: spec, secret: 'whsec_test_secret', timestamp: 1700000000}));
  process.exit(0);
}
const budget = BigInt(Math.round(Number(seconds) * 1e9));
function rate(fn) {          // ops/s over the time budget of wall time, after a warm-up
  for (let i = 0; i < 2000; i++) fn();
  let n = 0; const start = process.hrtime.bigint(); let elapsed = 0n;
  while (elapsed < budget) { for (let i = 0; i < 1000; i++) fn(); n += 1000; elapsed = process.hrtime.bigint() - start; }
  return n / (Number(elapsed) / 1e9);
}
// constructEvent checks the signature against the current time; use a tolerance that covers t.
const tolerance = Math.floor(Date.now() / 1000) - t + 600;
const sign = rate(() => stripe.webhooks.generateTestHeaderString({payload, secret, timestamp: t}));
const verify = rate(() => stripe.webhooks.constructEvent(payload, header, secret, tolerance));
// constructEvent also JSON.parses the body; verifyHeader is the signature check alone, like rsolv's verify().
const verifyHeader = rate(() => stripe.webhooks.signature.verifyHeader(payload, header, secret, tolerance));
console.log(JSON.stringify({sign, verify, verifyHeader}));
JS

stripe_version="$(node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).version" "$work/node_modules/stripe/package.json")"
spec_expected="t=1700000000,v1=db69618a986949b323416b57d0924a9aa087984ffe100403374d1956f1e38bb7"
spec_node="$(node "$work/bench.js" "$payload" "$secret" "$timestamp" spec)"
if [[ "$spec_node" != "$spec_expected" ]]; then
  echo "stripe-signing: stripe-node $stripe_version no longer gives the known vector of docs/platform-contract.md: $spec_node" >&2
  exit 1
fi
node_header="$(node "$work/bench.js" "$payload" "$secret" "$timestamp" header)"
rsolv_header="$(RSOLV_BENCH_PAYLOAD="$payload" RSOLV_BENCH_PRINT_HEADER=1 "$bench")"
if [[ "$node_header" != "$rsolv_header" ]]; then
  echo "stripe-signing: headers differ for the same payload, secret and timestamp" >&2
  echo "  node : $node_header" >&2
  echo "  rsolv: $rsolv_header" >&2
  exit 1
fi

node_json="$(node "$work/bench.js" "$payload" "$secret" "$timestamp" bench "$seconds")"
rsolv_json="$(RSOLV_BENCH_PAYLOAD="$payload" "$bench" --benchmark_filter='Invoice' --benchmark_min_time="$seconds" --benchmark_format=json 2>/dev/null)"

node - "$node_json" "$rsolv_json" <<'JS'
const node = JSON.parse(process.argv[2]);
const rsolv = JSON.parse(process.argv[3]);
const opsPerSecond = (name) => {
  const b = rsolv.benchmarks.find((x) => x.name === name);
  if (!b || b.error_occurred) { console.error(`stripe-signing: ${name} did not run: ${b ? b.error_message : 'missing'}`); process.exit(1); }
  const unit = {ns: 1e9, us: 1e6, ms: 1e3, s: 1}[b.time_unit];
  return unit / b.real_time;
};
const rows = [
  ['sign (generateTestHeaderString)', opsPerSecond('BM_SignInvoice'), node.sign],
  ['verify (constructEvent)', opsPerSecond('BM_VerifyInvoice'), node.verify],
  ['verify (verifyHeader, no JSON)', opsPerSecond('BM_VerifyInvoice'), node.verifyHeader],
];
const pad = (s, n) => String(s).padEnd(n);
console.log(pad('operation', 34) + pad('rsolv ops/s', 14) + pad('node ops/s', 14) + 'ratio');
for (const [name, r, n] of rows) {
  console.log(pad(name, 34) + pad(Math.round(r), 14) + pad(Math.round(n), 14) + (r / n).toFixed(2) + 'x');
}
// One row per comparison for ci/bench/run-all.sh (see lib.sh).
if (process.env.RSOLV_BENCH_RATIOS) {
  const lines = rows.map(([name, r, n]) => `stripe-signing\t${name} vs stripe-node\t${(r / n).toFixed(2)}x\t>= 1.0x\n`);
  require('fs').appendFileSync(process.env.RSOLV_BENCH_RATIOS, lines.join(''));
}
JS
bytes="$(wc -c <"$payload" | tr -d ' ')"
echo "payload: $bytes bytes ($(basename "$payload")); stripe-node $stripe_version on node $(node --version); ${seconds} s per operation per side"
echo "headers identical: $node_header" | cut -c1-60
