#!/usr/bin/env bash
# A clone reads on its own: no tracked source, script or document points a reader at the planning
# folder beside the repository (../shared/spec) or at an RFC the repository does not hold. The
# rules those documents gave are written in our words (docs/platform-contract.md for the platform).
# Fuzz inputs are data, not prose, and are not read. The Stripe fixture-shape test may read
# ../shared/stripe/ (Stripe's own fixtures; the test skips without them).
# Usage: self_contained_test.sh SOURCE_DIR
set -euo pipefail
source="$(cd "${1:?usage: self_contained_test.sh SOURCE_DIR}" && pwd)"
cd "$source"
git ls-files >/dev/null 2>&1 || { echo "SKIPPED: $source is not a git checkout"; exit 77; }
[[ -f docs/platform-contract.md ]] || { echo "FAIL  docs/platform-contract.md is missing"; exit 1; }
# Test names spell "Rfc1234" without the space; both forms count.
found=$(git ls-files -z -- ':!fuzz/corpus' ':!fuzz/regressions' ':!ci/tests/self_contained_test.sh' |
        xargs -0 grep -n -I -i -E 'shared/spec|\bRFC[ -]?[0-9]+|Rfc[0-9]+' || true)
if [[ -n $found ]]; then
  echo "FAIL  these lines cite documents a clone does not hold; say the rule in our words:"
  echo "$found"
  exit 1
fi
echo "PASS  no tracked file cites ../shared/spec or an RFC"
