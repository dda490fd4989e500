#!/usr/bin/env bash
# The coverage gate is real: a tiny instrumented program that runs half its code fails the gate,
# the same program with every line run passes it.
set -euo pipefail
gate="$1"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/build"
cat >"$work/src/lib.cpp" <<'CPP'
int used(int x) {
  return x + 1;
}
int unused(int x) {
  int y = x * 2;
  y += 3;
  y *= 5;
  y -= 7;
  return y;
}
CPP
cat >"$work/src/main.cpp" <<'CPP'
int used(int);
int unused(int);
int main(int argc, char**) {
  int r = used(argc);
  if (argc > 1) r += unused(argc);
  return r > 100;
}
CPP
cd "$work/build"
g++ --coverage -O0 -o prog ../src/lib.cpp ../src/main.cpp
./prog
if "$gate" "$work/src" "$work/build" 80 "$work/report-low" >/dev/null 2>&1; then
  echo "FAIL: the gate passed a tree with about 50 % line coverage"; exit 1
fi
./prog extra-argument   # now every line of lib.cpp has run
"$gate" "$work/src" "$work/build" 80 "$work/report-high" >/dev/null || { echo "FAIL: the gate refused a fully covered tree"; exit 1; }
echo "coverage gate: refuses under 80 %, accepts a covered tree"
