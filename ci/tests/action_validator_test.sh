#!/usr/bin/env bash
# Validates action.yml, setup/action.yml and every workflow (ours and the ones users copy) with
# @action-validator/cli from npm, the schema checker GitHub Action authors use. The package is
# installed once into a cache folder. Exit 77 (skipped) when the npm registry cannot be reached.
# Usage: action_validator_test.sh SOURCE_DIR
set -euo pipefail
source="$(cd "${1:?usage: action_validator_test.sh SOURCE_DIR}" && pwd)"
version=0.6.0
tools="${XDG_CACHE_HOME:-$HOME/.cache}/rsolv-harness/action-validator-$version"
validator="$tools/node_modules/.bin/action-validator"
if [[ ! -x "$validator" ]]; then
  command -v npm >/dev/null || { echo "SKIPPED: npm is not installed"; exit 77; }
  mkdir -p "$tools"
  if ! (cd "$tools" && timeout 240 npm install --silent --no-audit --no-fund "@action-validator/cli@$version" >npm.log 2>&1); then
    tail -5 "$tools/npm.log" || true
    rm -rf "$tools"
    echo "SKIPPED: cannot install @action-validator/cli from the npm registry"
    exit 77
  fi
fi
cd "$source"
files=(action.yml setup/action.yml .github/workflows/*.yml ci/templates/*.yml ci/workflows/*.yml)
failures=0
for file in "${files[@]}"; do
  if output="$(timeout 60 "$validator" "$file" 2>&1)"; then
    echo "ok    $file"
  else
    echo "FAIL  $file"
    sed 's/^/      /' <<<"$output"
    failures=$((failures + 1))
  fi
done
if ((failures > 0)); then
  echo "action_validator_test: $failures of ${#files[@]} files rejected"
  exit 1
fi
echo "action_validator_test: ${#files[@]} files valid"
