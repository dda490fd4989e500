#!/usr/bin/env bash
# Cross-checks signatures with Stripe's own Node library (`stripe` from npm, installed into a temp
# folder): Node accepts what rsolv-webhook-sim signs (one v1, and two during a rotation) and
# rejects a tampered body; rsolv-webhook-sim verify accepts what Node signs and rejects a wrong
# secret. Exit 77 (ctest: skipped) when node/npm or the npm registry are unavailable.
set -euo pipefail
SIM="${1:?usage: node_signature_test.sh path/to/rsolv-webhook-sim}"
skip() { echo "SKIPPED: $*"; exit 77; }
command -v node >/dev/null || skip "node is not installed"
command -v npm >/dev/null || skip "npm is not installed"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
echo '{"name":"rsolv-sig-check","private":true}' > package.json
if ! timeout 180 npm install --no-audit --no-fund --silent stripe > npm.log 2>&1; then
  tail -5 npm.log >&2 || true
  skip "npm install stripe failed (registry unreachable?)"
fi
echo "stripe from npm: $(node -p 'JSON.parse(require("fs").readFileSync("node_modules/stripe/package.json")).version')"

secret="whsec_nodecheck_$RANDOM$RANDOM"
other="whsec_other_$RANDOM"
"$SIM" trigger invoice.payment_succeeded --print --seed 11 > payload.json
cat > check.js <<'JS'
// node check.js construct PAYLOAD HEADER SECRET -> exit 0 when Stripe's library accepts it
// node check.js header PAYLOAD SECRET TIMESTAMP  -> prints a header made by Stripe's library
const fs = require('fs');
const Stripe = require('stripe');
const stripe = new Stripe('sk_test_unused');
const [mode, file, a, b] = process.argv.slice(2);
const payload = fs.readFileSync(file, 'utf8');
if (mode === 'construct') {
  try {
    const event = stripe.webhooks.constructEvent(payload, a, b);
    console.log('accepted ' + event.type + ' ' + event.id);
  } catch (e) {
    console.log('rejected: ' + e.message.split('\n')[0]);
    process.exit(1);
  }
} else {
  process.stdout.write(stripe.webhooks.generateTestHeaderString({payload, secret: a, timestamp: Number(b)}));
}
JS
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The simulator's header is accepted by Stripe's library.
header="$("$SIM" sign --secret "$secret" --payload payload.json)"
node check.js construct payload.json "$header" "$secret" || fail "Stripe's library rejected a simulator signature"
# 2. Rotation: two v1, Stripe's library (holding only the new secret) accepts.
header2="$("$SIM" sign --rotate-secret "$other,$secret" --payload payload.json)"
[ "$(grep -o 'v1=' <<<"$header2" | wc -l)" = 2 ] || fail "rotation header has not two v1: $header2"
node check.js construct payload.json "$header2" "$secret" || fail "Stripe's library rejected a rotation header"
# 3. A changed body fails in Stripe's library too (the check above can fail).
sed 's/"livemode": false/"livemode": true/' payload.json > tampered.json
cmp -s payload.json tampered.json && fail "tampering did not change the payload"
if node check.js construct tampered.json "$header" "$secret"; then fail "Stripe's library accepted a tampered body"; fi
# 4. Headers made by Stripe's library verify with rsolv-webhook-sim; a wrong secret does not.
now="$(date +%s)"
node_header="$(node check.js header payload.json "$secret" "$now")"
"$SIM" verify --secret "$secret" --payload payload.json --header "$node_header" || fail "verify rejected Stripe's header"
if "$SIM" verify --secret "$other" --payload payload.json --header "$node_header" 2>/dev/null; then
  fail "verify accepted Stripe's header under the wrong secret"
fi
# 5. The known vector of docs/platform-contract.md, made by Stripe's library, reproduced by `sign`.
printf '%s' '{"id":"evt_1","object":"event","type":"invoice.payment_succeeded","data":{"object":{"id":"in_1"}}}' > vector.json
expected="$(node check.js header vector.json whsec_test_secret 1700000000)"
actual="$("$SIM" sign --secret whsec_test_secret --payload vector.json --timestamp 1700000000)"
[ "$expected" = "$actual" ] || fail "sign gave '$actual', Stripe's library '$expected'"
echo "PASS: simulator and Stripe's Node library agree"
