#!/usr/bin/env bash
# Cross-checks signatures with Stripe's own Node library (`stripe` from npm, installed into a temp
# folder): Node accepts what rsolv-webhook-sim signs (one v1, and two during a rotation) and
# rejects a tampered body; rsolv-webhook-sim verify accepts what Node signs and rejects a wrong
# secret; a Node app accepts what `listen --forward-to` forwards and what `replay` re-signs.
# Exit 77 (ctest: skipped) when node/npm or the npm registry are unavailable.
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
# 6. listen --forward-to: an app verifying with Stripe's library (and the app's secret, which the
#    sender never had, given through $RSOLV_FORWARD_SECRET) accepts the forwarded delivery.
cat > app.js <<'JS'
// node app.js SECRET -> prints the port; answers 200 when Stripe's library accepts a delivery, else 400
const http = require('http');
const stripe = new (require('stripe'))('sk_test_unused');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      const event = stripe.webhooks.constructEvent(Buffer.concat(chunks), req.headers['stripe-signature'], process.argv[2]);
      res.writeHead(200, {'Content-Type': 'application/json'});
      res.end(JSON.stringify({app: 'accepted', type: event.type, ua: req.headers['user-agent']}));
    } catch (e) {
      res.writeHead(400, {'Content-Type': 'application/json'});
      res.end(JSON.stringify({app: 'rejected'}));
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
JS
app_secret="whsec_nodeapp_$RANDOM$RANDOM"
node app.js "$app_secret" > app.port &
app_pid=$!
listen_pid=""
stop_forward() { kill "$app_pid" $listen_pid 2>/dev/null || true; }
for _ in $(seq 100); do [ -s app.port ] && break; sleep 0.1; done
[ -s app.port ] || { stop_forward; fail "the Node app did not start"; }
RSOLV_FORWARD_SECRET="$app_secret" "$SIM" listen --listen 127.0.0.1:0 --secret "$secret" \
  --forward-to "http://127.0.0.1:$(cat app.port)/hooks" --max-requests 2 --quiet > listen.out 2> listen.err &
listen_pid=$!
for _ in $(seq 100); do [ -s listen.out ] && break; sleep 0.1; done
listen_url="$(sed -n 's/^listening on //p' listen.out)/webhooks"
[ "$listen_url" != "/webhooks" ] || { stop_forward; fail "listen did not start: $(cat listen.err)"; }
forwarded="$(RSOLV_WEBHOOK_SECRET="$secret" "$SIM" trigger invoice.payment_succeeded --forward-to "$listen_url" \
  --timeout 10s --expect 200)" || { stop_forward; fail "Stripe's library did not accept the forwarded delivery: $forwarded"; }
grep -q '"app":"accepted"' <<<"$forwarded" || { stop_forward; fail "no answer from the app: $forwarded"; }
grep -q 'Stripe/1.0' <<<"$forwarded" || { stop_forward; fail "Stripe's User-Agent was not forwarded: $forwarded"; }
# A delivery signed with a secret the listener does not hold is refused there (the check above can fail).
if RSOLV_WEBHOOK_SECRET="$other" "$SIM" trigger invoice.paid --forward-to "$listen_url" --timeout 10s --expect 200 >/dev/null; then
  stop_forward; fail "the listener forwarded a delivery signed with a secret it does not hold"
fi
wait "$listen_pid" || true
# 7. replay: captured events (here as `flow --print` writes them) re-signed with the app's secret are
#    accepted by Stripe's library, also under fresh ids; a tampered replay is rejected (the check can fail).
app_url="http://127.0.0.1:$(cat app.port)/hooks"
"$SIM" flow pro-signup --print --seed 12 > captured.jsonl
for extra in "" "--new-ids"; do
  replayed="$("$SIM" replay captured.jsonl $extra --secret "$app_secret" --forward-to "$app_url" --timeout 10s --expect 200)" \
    || { stop_forward; fail "Stripe's library did not accept a replayed event ($extra): $replayed"; }
  [ "$(grep -c '"app":"accepted"' <<<"$replayed")" = "$(grep -c . captured.jsonl)" ] \
    || { stop_forward; fail "not every replay accepted ($extra): $replayed"; }
done
"$SIM" replay captured.jsonl --secret "$app_secret" --forward-to "$app_url" --timeout 10s --tamper body --expect 400 >/dev/null \
  || { stop_forward; fail "Stripe's library accepted a tampered replay"; }
kill "$app_pid" 2>/dev/null || true
echo "PASS: simulator and Stripe's Node library agree"
