# Sourced by the shell tests in ci/tests: `check DESCRIPTION COMMAND...` runs COMMAND, prints
# "ok    DESCRIPTION" or "FAIL  DESCRIPTION" and counts failures in $failures.
failures=0
check() {
  local description=$1
  shift
  if "$@"; then echo "ok    $description"; else echo "FAIL  $description"; failures=$((failures + 1)); fi
}
