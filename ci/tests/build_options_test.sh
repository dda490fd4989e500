#!/usr/bin/env bash
# Every documented build option configures: tests off, bench off, both off (what source builds in
# CI use), the release preset's options, libcurl off, and RSOLV_EXCLUDE of each tool and of all of
# them. Configure only (a few seconds each); a misspelt tool folder must be refused.
# Usage: build_options_test.sh SOURCE_DIR
set -euo pipefail
source="$(cd "${1:?usage: build_options_test.sh SOURCE_DIR}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
configure() {  # configure NAME -D... : a fresh build folder each time
  local name=$1
  shift
  if cmake -S "$source" -B "$work/$name" -G Ninja "$@" >"$work/$name.log" 2>&1; then
    echo "ok    configures: $name"
  else
    echo "FAIL  configure fails: $name"
    grep -m5 -A3 "CMake Error" "$work/$name.log" || tail -5 "$work/$name.log"
    failures=$((failures + 1))
  fi
  rm -rf "${work:?}/$name"
}
configure tests-off -DRSOLV_BUILD_TESTS=OFF
configure bench-off -DRSOLV_BUILD_BENCH=OFF
configure tests-and-bench-off -DRSOLV_BUILD_TESTS=OFF -DRSOLV_BUILD_BENCH=OFF
configure release-options -DRSOLV_STATIC=ON -DRSOLV_WITH_CURL=OFF -DRSOLV_BUILD_TESTS=OFF -DRSOLV_BUILD_BENCH=OFF
configure curl-off-with-tests -DRSOLV_WITH_CURL=OFF
for tool in sandbox action webhook-sim loadgen security-tests; do
  configure "exclude-$tool" "-DRSOLV_EXCLUDE=$tool"
  configure "exclude-$tool-tests-off" "-DRSOLV_EXCLUDE=$tool" -DRSOLV_BUILD_TESTS=OFF
done
configure exclude-all "-DRSOLV_EXCLUDE=sandbox;action;webhook-sim;loadgen;security-tests"
if cmake -S "$source" -B "$work/bad" -G Ninja -DRSOLV_EXCLUDE=loadgn >"$work/bad.log" 2>&1; then
  echo "FAIL  RSOLV_EXCLUDE=loadgn was accepted"
  failures=$((failures + 1))
elif grep -q "RSOLV_EXCLUDE names 'loadgn'" "$work/bad.log"; then
  echo "ok    RSOLV_EXCLUDE=loadgn is refused, naming the folder"
else
  echo "FAIL  RSOLV_EXCLUDE=loadgn failed without saying why"; cat "$work/bad.log"
  failures=$((failures + 1))
fi
if ((failures > 0)); then
  echo "build_options_test: $failures configuration(s) failed"
  exit 1
fi
echo "build_options_test: every documented option configures"
