#!/usr/bin/env bash
# Builds the `coverage` preset, runs every test, and applies the 80 % line-coverage gate.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/bootstrap.sh
ci/build.sh coverage
find build-coverage -name '*.gcda' -delete
ctest --preset coverage
ci/coverage-gate.sh "$PWD" "$PWD/build-coverage" "${RSOLV_COVERAGE_THRESHOLD:-80}"
