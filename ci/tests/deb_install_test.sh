#!/usr/bin/env bash
# The .deb on a clean Debian 12: a `debootstrap --variant=minbase` root (no compiler, no -dev
# package; cached as a tarball between runs), `apt-get install ./rsolv-harness_*.deb` inside it,
# then, inside it, what a user runs first: every tool's --version, a sandbox, the action's check and
# report (a re-run bills nothing), a webhook flow, a 5 s load test through the shipped example
# script, and every security suite against a sandbox. Everything listens on 127.0.0.1.
# Usage: deb_install_test.sh DIST_DIR. Needs root (chroot). Exit 77 (skipped) when not root.
# Environment: RSOLV_DEBIAN_ROOT_CACHE (the cached root tarball), RSOLV_DEBIAN_MIRROR.
set -euo pipefail
dist="$(cd "${1:?usage: deb_install_test.sh DIST_DIR}" && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "SKIPPED: needs root for chroot"; exit 77; }
deb="$(ls "$dist"/rsolv-harness_*_amd64.deb)"
version="$(basename "$deb" | sed -E 's/^rsolv-harness_(.*)_amd64\.deb$/\1/')"

cache="${RSOLV_DEBIAN_ROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rsolv-harness/bookworm-minbase.tar}"
if [[ ! -s "$cache" ]]; then
  command -v debootstrap >/dev/null || { echo "FAIL: debootstrap is not installed (ci/bootstrap.sh installs it)"; exit 1; }
  mkdir -p "$(dirname "$cache")"
  fresh="$(mktemp -d)"
  echo "making a clean Debian 12 root with debootstrap (cached in $cache)"
  if ! timeout 900 debootstrap --variant=minbase bookworm "$fresh" "${RSOLV_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$fresh.log" 2>&1; then
    tail -20 "$fresh.log"
    rm -rf "$fresh" "$fresh.log"
    echo "FAIL: debootstrap could not make a Debian 12 root"
    exit 1
  fi
  tar -C "$fresh" -cf "$cache.tmp" . && mv -f "$cache.tmp" "$cache"
  rm -rf "$fresh" "$fresh.log"
fi

work="$(mktemp -d)"
root="$work/root"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  mountpoint -q "$root/proc" && umount "$root/proc"
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$root"
tar -C "$root" -xf "$cache"
mount -t proc proc "$root/proc" 2>/dev/null || echo "note: /proc not mounted in the root"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check "the root has no compiler" test ! -e "$root/usr/bin/g++" -a ! -e "$root/usr/bin/cc"
check "the root has no -dev package" eval '! in_root dpkg-query -W -f "\${Package}\n" | grep -q -- "-dev$"'

cp "$deb" "$root/tmp/"
check "apt-get install ./$(basename "$deb") succeeds in the clean root" \
  in_root bash -c "cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get install -y ./$(basename "$deb") >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }"
depends="$(in_root dpkg-query -W -f '${Depends}' rsolv-harness)"
check "the package depends on libc6 alone ($depends)" eval '[[ "$depends" =~ ^libc6(\ \(\>=\ [0-9.]+\))?$ ]]'
for tool in rsolv-action rsolv-loadgen rsolv-webhook-sim rsolv-security rsolv-sandbox; do
  check "$tool --version says $version" eval '[[ "$(in_root '"$tool"' --version)" == *"$version"* ]]'
done
check "the manuals and examples are installed" \
  test -f "$root/usr/share/doc/rsolv-harness/docs/action.md" -a -x "$root/usr/share/doc/rsolv-harness/examples/loadgen/run-against-sandbox.sh"

# start_sandbox NAME [serve flags...]: seeds /tmp/NAME.db in the root, serves it, sets $url.
secret="whsec_deb_test_$$"
start_sandbox() {
  local name=$1
  shift
  in_root rsolv-sandbox seed --db "/tmp/$name.db" --out "/tmp/$name-keys.json" >/dev/null
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin RSOLV_WEBHOOK_SECRET="$secret" \
    rsolv-sandbox serve --listen 127.0.0.1:0 --db "/tmp/$name.db" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 200); do
    [[ -s "$work/$name.out" ]] && break
    sleep 0.05
  done
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/$name.out" | head -1)"
  [[ -n "$url" ]] || { cat "$work/$name.err"; echo "FAIL  the installed rsolv-sandbox did not start"; exit 1; }
}
key_of() { python3 -c 'import json,sys; print([c["api_key"] for c in json.load(open(sys.argv[1]))["customers"] if c["state"] == sys.argv[2]][0])' "$root/tmp/$2-keys.json" "$1"; }

start_sandbox main --rate-limit-api 100000/3600 --rate-limit-onboard 100000/3600
check "the installed sandbox answers /api/health" eval 'curl -fsS "$url/api/health" >/dev/null'

key="$(key_of trial_with_billing main)"
action() {  # action COMMAND [INPUT=VALUE ...]: rsolv-action inside the root, as a runner would start it
  local command=$1
  shift
  : >"$root/tmp/output"
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin GITHUB_ACTIONS=true GITHUB_OUTPUT=/tmp/output \
    GITHUB_STEP_SUMMARY=/tmp/summary GITHUB_REPOSITORY=acme/webapp INPUT_COMMAND="$command" \
    "INPUT_API-KEY=$key" "INPUT_API-URL=$url" "$@" rsolv-action >"$work/action.out" 2>&1
}
report() { action report "INPUT_PR-NUMBER=42" "INPUT_COMMIT-SHA=0123456789abcdef0123456789abcdef01234567"; }
output_says() { grep -qx "$1" "$root/tmp/output" || { cat "$work/action.out"; false; }; }
check "rsolv-action check: entitled" eval 'action check && output_says entitled=true'
check "rsolv-action report: a credit is consumed" eval 'report && output_says outcome=credit_consumed'
check "rsolv-action report again: already_billed" eval 'report && output_says outcome=already_billed'

payg="$(key_of payg main)"
customer="$(curl -fsS -H "x-api-key: $payg" "$url/api/v1/customers/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stripe_customer_id"])')"
check "rsolv-webhook-sim flow pro-signup: every delivery 2xx" \
  in_root rsolv-webhook-sim flow pro-signup --forward-to "$url/api/webhooks/stripe" --secret "$secret" \
    --customer "$customer" --expect 2xx --quiet
plan_of() { curl -fsS -H "x-api-key: $1" "$url/api/v1/customers/me" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["subscription_type"], c["subscription_state"])'; }
check "the sandbox applied the flow (pro active)" eval '[[ "$(plan_of "$payg")" == "pro active" ]]'

check "a 5 s load test with the shipped example script passes its thresholds" \
  in_root env SIGNUP_RAMP=1s SIGNUP_HOLD=3s SIGNUP_VUS=5 \
    /usr/share/doc/rsolv-harness/examples/loadgen/run-against-sandbox.sh \
    /usr/share/doc/rsolv-harness/examples/loadgen/signup.yaml --quiet

start_sandbox security --rate-limit-api 200/3600 --rate-limit-onboard 30/3600
check "rsolv-security: every suite passes against the installed sandbox" \
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin RSOLV_TARGET="$url" RSOLV_API_KEY="$(key_of payg security)" \
    RSOLV_API_KEY_2="$(key_of pro_active security)" RSOLV_WEBHOOK_SECRET="$secret" RSOLV_API_LIMIT=200 \
    RSOLV_ONBOARD_LIMIT=30 rsolv-security run --target /usr/share/doc/rsolv-harness/examples/targets/sandbox.yaml \
    --sarif /tmp/security.sarif

if ((failures > 0)); then
  echo "deb_install_test: $failures check(s) failed"
  exit 1
fi
echo "deb_install_test: the .deb installs and every tool works in a clean Debian 12 root"
