#!/usr/bin/env bash
# Fails when line coverage of the project's own sources is under the threshold.
# Usage: ci/coverage-gate.sh SOURCE_ROOT BUILD_DIR [THRESHOLD_PERCENT=80] [REPORT_DIR]
# Counts library and tool sources only: tests, benchmarks and generated files are excluded, so the
# gate measures how much of the shipped code the tests run.
set -euo pipefail
root="${1:?source root}"
build="${2:?build dir with .gcda files}"
threshold="${3:-80}"
report_dir="${4:-$build/coverage}"
command -v gcovr >/dev/null || { echo "coverage-gate: gcovr is not installed (apt-get install gcovr)" >&2; exit 2; }
mkdir -p "$report_dir"
# gcovr exits 2 when --fail-under-line is not met; its summary line says by how much.
set +e
gcovr --root "$root" --object-directory "$build" \
  --exclude '(.+/)?tests?/' --exclude '(.+/)?bench/' --exclude '(.+/)?_deps/' --exclude '.*generated.*' \
  --exclude-unreachable-branches --exclude-throw-branches \
  --print-summary --txt "$report_dir/coverage.txt" --xml "$report_dir/coverage.xml" \
  --fail-under-line "$threshold" "$build" >"$report_dir/summary.txt" 2>"$report_dir/gcovr.err"
status=$?
set -e
cat "$report_dir/summary.txt"
if [[ $status -ne 0 ]]; then
  if grep -q "lines:" "$report_dir/summary.txt"; then
    echo "coverage-gate: line coverage is under ${threshold} % (see $report_dir/coverage.txt for the files)" >&2
  else
    echo "coverage-gate: gcovr failed: $(tail -1 "$report_dir/gcovr.err")" >&2
  fi
  exit 1
fi
echo "coverage-gate: line coverage meets ${threshold} %"
