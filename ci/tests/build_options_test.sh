#!/usr/bin/env bash
# Every documented build option configures: tests off, bench off, both off (what source builds in
# CI use), the release preset's options, libcurl off, and RSOLV_EXCLUDE of each tool and of all of
# them. Configure only (a few seconds each); a misspelt tool folder must be refused.
# A package is looked for only when something that links it is built: each build that leaves out
# everything that needs a package configures with that package hidden
# (CMAKE_DISABLE_FIND_PACKAGE_<name>), and one that needs it fails naming it. A tool or harness
# folder that is missing from the source tree is a configure error naming it, never a smaller build.
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
refused() {  # refused NAME TEXT SOURCE -D...: the configure must fail and its error must name TEXT
  local name=$1 text=$2 from=$3
  shift 3
  if cmake -S "$from" -B "$work/$name" -G Ninja "$@" >"$work/$name.log" 2>&1; then
    echo "FAIL  configures, but should not: $name"
    failures=$((failures + 1))
  elif grep -A4 "CMake Error" "$work/$name.log" | grep -qF -- "$text"; then
    echo "ok    refused, naming $text: $name"
  else
    echo "FAIL  refused without naming $text: $name"; grep -m5 -A3 "CMake Error" "$work/$name.log"
    failures=$((failures + 1))
  fi
  rm -rf "${work:?}/$name"
}

# Packages: hidden where nothing built needs them; SQLite is the sandbox's store and the planted
# flaw of security-tests' tests.
configure no-sqlite-without-sandbox-and-security-tests "-DRSOLV_EXCLUDE=sandbox;security-tests" \
  -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON
configure no-sqlite-security-tests-without-tests -DRSOLV_EXCLUDE=sandbox -DRSOLV_BUILD_TESTS=OFF \
  -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON
configure no-gtest-tests-off -DRSOLV_BUILD_TESTS=OFF -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON
configure no-benchmark-bench-off -DRSOLV_BUILD_BENCH=OFF -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON
configure no-curl-curl-off -DRSOLV_WITH_CURL=OFF -DCMAKE_DISABLE_FIND_PACKAGE_CURL=ON
refused sqlite-for-the-sandbox SQLite3 "$source" -DRSOLV_EXCLUDE=security-tests -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON
refused sqlite-for-security-tests-tests SQLite3 "$source" -DRSOLV_EXCLUDE=sandbox -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON

# Missing folders: a copy of the tree made of symbolic links, one folder left out.
tree_without() {  # tree_without DIR REL_PATH: DIR mirrors the source through links, without REL_PATH
  local dir=$1 rel=$2 parent=${2%/*}
  mkdir -p "$dir"
  for entry in "$source"/* "$source"/.[!.]*; do [[ -e $entry ]] && ln -s "$entry" "$dir/"; done
  if [[ $parent != "$rel" ]]; then  # a nested folder: its parent becomes a real folder of links
    rm "$dir/$parent"
    mkdir "$dir/$parent"
    for entry in "$source/$parent"/*; do ln -s "$entry" "$dir/$parent/"; done
  fi
  rm "$dir/$rel"
}
for folder in webhook-sim security-tests harness/report harness/testing; do
  tree_without "$work/tree" "$folder"
  refused "missing-${folder//\//-}" "${folder##*/}" "$work/tree"
  rm -rf "${work:?}/tree"
done

if ((failures > 0)); then
  echo "build_options_test: $failures configuration(s) failed"
  exit 1
fi
echo "build_options_test: every documented option configures"
