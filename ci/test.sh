#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
# Usage: ci/test.sh [PRESET] [extra ctest args...]   (PRESET: default | debug | asan | coverage)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
shift || true
ci/bootstrap.sh
ci/build.sh "$preset"
ctest --preset "$preset" "$@"
