#!/usr/bin/env bash
# Validates rsolv-security's SARIF with Microsoft's own SARIF validator (the checker GitHub code
# scanning's format comes from), on a run that has findings: the vulnerable test server's.
# Usage: sarif_validate.sh BIN_DIR TESTS_DIR. Exit 77 (skipped) when the npm registry is unreachable.
set -euo pipefail
bin_dir=$1 tests_dir=$2
work=$(mktemp -d)
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if ! (cd "$work" && timeout 240 npm install --silent --no-audit --no-fund @microsoft/sarif-multitool >/dev/null 2>&1); then
  echo "SKIPPED: cannot install @microsoft/sarif-multitool from the npm registry"
  exit 77
fi

"$tests_dir/vulnerable_server" --log "$work/app.log" >"$work/server.out" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/server.out")
cat >"$work/target.yaml" <<YAML
base_url: $url
credentials: {api_key: rsolv_sarif_check_key, webhook_secret: whsec_sarif_check}
endpoints:
  - {name: search, path: /api/v1/search, auth: true, query: {org: acme}, inputs: {query: [org]}}
  - {name: me, path: /api/v1/customers/me, auth: true, account_data: true}
webhook: {}
YAML
set +e
"$bin_dir/rsolv-security" run --target "$work/target.yaml" --sarif "$work/report.sarif" -q
code=$?
set -e
[[ $code == 1 ]] || { echo "expected findings (exit 1), got exit $code"; exit 1; }
results=$(jq '.runs[0].results | length' "$work/report.sarif")
[[ $results -gt 0 ]] || { echo "the SARIF file has no results"; exit 1; }

out=$("$work/node_modules/.bin/sarif-multitool" validate "$work/report.sarif" 2>&1) || true
echo "$out"
if grep -q ': error ' <<<"$out" || ! grep -q 'Analysis completed successfully' <<<"$out"; then
  echo "SARIF validation failed"
  exit 1
fi
echo "SARIF valid: $results results"
