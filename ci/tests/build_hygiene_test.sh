#!/usr/bin/env bash
# Build and test scripts that behave on a shared machine:
#  1. every configure preset that builds tests has a build preset and a test preset like the others;
#  2. ci/bootstrap.sh installs without stopping or disabling a system nginx or Prometheus, and no
#     script stops a system service (the tests start their own instances on free loopback ports);
#  3. without Prometheus the monitoring test skips (77) and ctest counts that as a skip.
# No compiling and no real installing: bootstrap runs with apt-get, dpkg-query and systemctl
# replaced by recorders at the front of PATH (the real ones would change the machine).
# Usage: build_hygiene_test.sh SOURCE_DIR [BUILD_DIR]   (BUILD_DIR: a configured build, for 3.)
set -euo pipefail
source="$(cd "${1:?usage: build_hygiene_test.sh SOURCE_DIR [BUILD_DIR]}" && pwd)"
build=${2:-}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
. "$source/ci/tests/lib.sh"

# --- 1. presets --------------------------------------------------------------------------------
presets_consistent() {
  python3 - "$source/CMakePresets.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
configure = {p["name"]: p for p in doc["configurePresets"]}
def variable(name, key):  # a cache variable, following "inherits"
    p = configure[name]
    if key in p.get("cacheVariables", {}):
        return p["cacheVariables"][key]
    parents = p.get("inherits", [])
    for parent in [parents] if isinstance(parents, str) else parents:
        value = variable(parent, key)
        if value is not None:
            return value
    return None
build = {p["name"]: p for p in doc["buildPresets"]}
test = {p["name"]: p for p in doc["testPresets"]}
problems = []
for name in configure:
    if build.get(name, {}).get("configurePreset") != name:
        problems.append(f"configure preset '{name}' has no build preset of the same name")
    if variable(name, "RSOLV_BUILD_TESTS") == "OFF":
        continue
    if name not in test:
        problems.append(f"configure preset '{name}' builds tests but has no test preset")
        continue
    shape = lambda p: {k: v for k, v in p.items() if k not in ("name", "configurePreset")}
    if test[name].get("configurePreset") != name or shape(test[name]) != shape(test["default"]):
        problems.append(f"test preset '{name}' differs from 'default' in more than its name and configure preset")
for line in problems:
    print("   ", line)
sys.exit(1 if problems else 0)
PY
}
check "every configure preset that builds tests has a build and a test preset like 'default'" presets_consistent
(cd "$source" && ctest --list-presets 2>&1) >"$work/test-presets.txt" || true
check "ctest --list-presets reads CMakePresets.json and offers 'debug'" grep -q '"debug"' "$work/test-presets.txt"

# --- 2. system services ------------------------------------------------------------------------
stubs="$work/stubs"
mkdir -p "$stubs"
record() {  # record NAME [EXIT_CODE]: a command that appends its arguments to calls.log
  printf '#!/bin/sh\necho "%s $*" >>"%s"\nexit %s\n' "$1" "$work/calls.log" "${2:-0}" >"$stubs/$1"
  chmod +x "$stubs/$1"
}
record dpkg-query 1  # nothing is installed: bootstrap goes down its install path
record apt-get
record systemctl     # `is-active` answers yes: code that stops running services would act
record service
record invoke-rc.d
printf '#!/bin/sh\nexec "$@"\n' >"$stubs/sudo"
chmod +x "$stubs/sudo"
touch "$work/calls.log"
PATH="$stubs:$PATH" bash "$source/ci/bootstrap.sh" >"$work/bootstrap.out" 2>&1 && bootstrap_status=0 || bootstrap_status=$?
check "ci/bootstrap.sh (stubbed apt-get) exits 0" test "$bootstrap_status" -eq 0
check "ci/bootstrap.sh went down its install path (apt-get install prometheus nginx-light ...)" \
  grep -qE '^apt-get install .*prometheus' "$work/calls.log"
leaves_services_alone() {
  ! grep -E '^(systemctl .*(disable|stop|mask|kill|restart)|service |invoke-rc\.d )' "$work/calls.log"
}
check "ci/bootstrap.sh neither stops nor disables a running system nginx or Prometheus" leaves_services_alone
no_script_stops_services() {  # every script the tests and CI run, this one excepted
  ! (cd "$source" && git ls-files 2>/dev/null | grep -E '\.(sh|py)$|^\.ci/' | grep -v '^ci/tests/build_hygiene_test\.sh$' |
     xargs grep -nE 'systemctl|invoke-rc\.d|\bservice +\S+ +(stop|restart)|\bpkill\b|\bkillall\b' |
     grep -vE '^[^:]+:[0-9]+:\s*#')
}
check "no script in the repository stops, disables or kills system services by name" no_script_stops_services

# --- 3. Prometheus is optional -----------------------------------------------------------------
mkdir -p "$work/path"
for tool in curl jq python3; do
  if command -v "$tool" >/dev/null; then ln -s "$(command -v "$tool")" "$work/path/$tool"; fi
done
monitoring_status=0
PATH="$work/path" "$BASH" "$source/ci/tests/monitoring_test.sh" /nonexistent "$source" >"$work/monitoring.out" 2>&1 ||
  monitoring_status=$?
check "without prometheus on PATH the monitoring test skips with 77 (got $monitoring_status)" test "$monitoring_status" -eq 77
check "... and says prometheus is missing" grep -q "prometheus is not installed" "$work/monitoring.out"
if [[ -n $build ]]; then
  skip_code() {
    (cd "$build" && ctest --show-only=json-v1 -R '^ci\.prometheus_scrapes' 2>/dev/null) | python3 -c '
import json, sys
tests = json.load(sys.stdin)["tests"]
if not tests:
    sys.exit(2)
codes = [p["value"] for p in tests[0].get("properties", []) if p["name"] == "SKIP_RETURN_CODE"]
sys.exit(0 if codes == [77] else 1)'
  }
  skip_status=0
  skip_code || skip_status=$?
  if ((skip_status == 2)); then
    echo "skip  ctest's monitoring test is not registered in $build (a tool is excluded)"
  else
    check "ctest registers the monitoring test with SKIP_RETURN_CODE 77" test "$skip_status" -eq 0
  fi
fi

if ((failures > 0)); then
  echo "build_hygiene_test: $failures check(s) failed"
  exit 1
fi
echo "build_hygiene_test: presets, bootstrap and optional tools behave"
