#!/usr/bin/env bash
# Runs docs/webhook-sim.md's `replay` example as a user copies it (as readme_install_test.sh runs the
# README's): the customer set-up lines of the first sh block, then the sh block under "### `replay`",
# against a fresh rsolv-sandbox, with the documented ports 4000 and 4242 swapped for free ones.
# Then checks what the example's comments claim: the first replay applies the flow (+60 credits, Pro
# active), the second is answered "duplicate" once per captured event, the --new-ids one applies it
# again (+60).
# Usage: docs_replay_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin="$(cd "${1:?usage: docs_replay_test.sh BIN_DIR SOURCE_DIR}" && pwd)"
doc="$(cd "${2:?usage: docs_replay_test.sh BIN_DIR SOURCE_DIR}" && pwd)/docs/webhook-sim.md"
command -v curl >/dev/null && command -v jq >/dev/null || { echo "SKIPPED: the example needs curl and jq"; exit 77; }
work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export PATH="$bin:$PATH"
export RSOLV_WEBHOOK_SECRET="whsec_docs_$RANDOM$RANDOM"

rsolv-sandbox serve --listen 127.0.0.1:0 --db "$work/sandbox.db" > "$work/sandbox.out" 2> "$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$work/sandbox.out" ] && break; sleep 0.1; done
sandbox="$(sed -n 's|^listening on http://||p' "$work/sandbox.out" | head -1)"
[ -n "$sandbox" ] || fail "the sandbox did not start: $(cat "$work/sandbox.err")"
listen_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# The first sh block's customer lines (KEY= ... CUS=), and the whole replay block.
setup="$(awk '/^```sh/ {code=1; next} code && /^```/ {exit} code' "$doc" | awk '/^KEY=/ {on=1} on; /^CUS=/ {exit}')"
example="$(awk '/^### `replay`/ {inside=1; next} /^##/ {inside=0} inside && /^```sh/ {code=1; next} inside && code && /^```/ {exit} inside && code' "$doc")"
[ -n "$setup" ] || fail "no KEY=...CUS= lines in the first sh block of $doc"
grep -q 'rsolv-webhook-sim replay' <<<"$example" || fail "no replay example under ### \`replay\` in $doc"
me='curl -s -H "x-api-key: $KEY" localhost:4000/api/v1/customers/me'
script="$(printf '%s\n%s > before.json\n%s\n%s > after.json\n' "$setup" "$me" "$example" "$me" \
  | sed -e "s|localhost:4000|$sandbox|g" -e "s|127.0.0.1:4000|$sandbox|g" -e "s|127.0.0.1:4242|127.0.0.1:$listen_port|g")"
echo "running the documented replay example:"
sed 's/^/  /' <<<"$script"
(cd "$work" && timeout 120 bash -euo pipefail -c "$script") > "$work/output.txt" 2>&1 || { cat "$work/output.txt"; fail "the example failed"; }

before="$(jq .credit_balance "$work/before.json")"
after="$(jq .credit_balance "$work/after.json")"
[ "$after" = "$((before + 120))" ] || { cat "$work/output.txt"; fail "credits $before -> $after, not +60 twice"; }
[ "$(jq -r .subscription_type "$work/after.json")/$(jq -r .subscription_state "$work/after.json")" = "pro/active" ] \
  || fail "not Pro active: $(cat "$work/after.json")"
n="$(grep -c . "$work/captured.jsonl")"
[ "$n" -gt 1 ] || fail "the capture holds $n events"
[ "$(grep -c '"status":"duplicate"' "$work/output.txt")" = "$n" ] || { cat "$work/output.txt"; fail "not $n duplicates"; }
[ "$(grep -c "^$n deliveries, $n as expected (2xx)$" "$work/output.txt")" = 3 ] || { cat "$work/output.txt"; fail "not three passing replays"; }
echo "PASS: the documented replay example does what its comments say"
