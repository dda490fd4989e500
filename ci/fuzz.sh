#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each for a bounded
# time. A finding fails the run, and its input is copied to fuzz/regressions/TARGET/ so that the
# normal test suite (ctest -L fuzz-regressions) replays it in every build from then on.
# Usage: ci/fuzz.sh [SECONDS per target, default 60] [TARGET ...]   (docs/fuzzing.md)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true

# What the fuzz build needs beyond ci/bootstrap.sh: clang and its libFuzzer runtime.
ci/bootstrap.sh
fuzz_packages=(clang libclang-rt-14-dev)
missing=()
for pkg in "${fuzz_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "fuzz: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake --preset fuzz >/dev/null
if (($# > 0)); then
  targets=("$@")
  cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/#/fuzz_}"
else
  cmake --build --preset fuzz -j"$(nproc)"
  targets=()
  for source in fuzz/targets/*.cpp; do
    name="$(basename "$source" .cpp)"
    [[ -x build-fuzz/bin/fuzz_$name ]] && targets+=("$name")
  done
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=()
printf '%-20s %12s %10s  %s\n' target execs exec/s result
for name in "${targets[@]}"; do
  corpus="$work/$name"  # new inputs stay out of the tree: the committed corpus is small, by hand
  mkdir -p "$corpus" "$work/artifacts-$name"
  log="$work/$name.log"
  case "$name" in
    config_yaml | loadgen_scenario | webhook_flow | security_target) dict=(-dict=fuzz/dict/yaml.dict) ;;
    sandbox_request | webhook_listener | loadgen_response) dict=(-dict=fuzz/dict/http.dict) ;;
    *) dict=() ;;
  esac
  status=0
  # -timeout: one input slower than 10 s is a finding (a hang); -rss_limit_mb: so is memory
  # beyond 2 GB; -max_len: configuration files and requests are small.
  timeout $((seconds + 120)) "build-fuzz/bin/fuzz_$name" "$corpus" "fuzz/corpus/$name" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts-$name/" >"$log" 2>&1 || status=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  result=ok
  if ((status != 0)); then
    result="FINDING (exit $status)"
    failed+=("$name")
    mkdir -p "fuzz/regressions/$name"
    for artifact in "$work/artifacts-$name"/*; do
      [[ -f $artifact ]] || continue
      cp "$artifact" "fuzz/regressions/$name/$(basename "$artifact")"
      result+=" -> fuzz/regressions/$name/$(basename "$artifact")"
    done
    grep -m1 -B2 -A25 -E "ERROR: |fuzz check failed|runtime error" "$log" >&2 || tail -40 "$log" >&2
  fi
  printf '%-20s %12s %10s  %s\n' "$name" "${execs:-?}" "${speed:-?}" "$result"
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: findings in ${failed[*]}; reproduce with build-fuzz/bin/fuzz_NAME FILE, fix, and keep the file" >&2
  exit 1
fi
