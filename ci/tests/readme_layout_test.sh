#!/usr/bin/env bash
# The README's "## Layout" tree matches the folders git tracks, both ways:
#  - every top-level folder, and every folder of the harness and of each tool (RSOLV_TOOL_FOLDERS
#    in CMakeLists.txt) other than the include/ src/ tests/ bench/ every one of them may hold, is
#    named in the tree;
#  - every folder the tree names exists.
# The tree is the section's code block: a line whose first word ends in "/" names a folder, below
# the nearest less-indented folder line above it (so "  src/suites/" under "security-tests/" is
# security-tests/src/suites); a word ending in "/" in its description ("flows/", "(templates/)") names a
# folder inside it.
# Usage: readme_layout_test.sh SOURCE_DIR
set -euo pipefail
source="$(cd "${1:?usage: readme_layout_test.sh SOURCE_DIR}" && pwd)"
cd "$source"
git ls-files >/dev/null 2>&1 || { echo "SKIPPED: $source is not a git checkout"; exit 77; }
. ci/tests/lib.sh
conventional="include src tests bench"

section=$(awk '/^## Layout/ {on = 1; next} /^## / {on = 0} on' README.md)
[[ -n $section ]] || { echo "FAIL  README.md has no '## Layout' section"; exit 1; }
named=$(awk '
  /^```/ { if (block++) exit; next }
  !block { next }
  {
    rest = $0
    if ($1 ~ /\/$/) {  # a folder line: its place in the tree from its indentation
      match($0, /^ */); indent = RLENGTH
      while (depth > 0 && indents[depth] >= indent) depth--
      paths[depth + 1] = (depth ? paths[depth] : "") $1; indents[depth + 1] = indent; depth++
      print paths[depth]
      rest = substr($0, indent + length($1) + 1)
    }
    if (!depth) next
    while (match(rest, /(^|[ (`])[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/([ ,:;)`]|$)/)) {
      word = substr(rest, RSTART, RLENGTH)
      rest = substr(rest, RSTART + RLENGTH - 1)
      sub(/^[ (`]/, "", word); sub(/[ ,:;)`]$/, "", word)
      print paths[depth] word
    }
  }' <<<"$section" | sed 's|/$||' | sort -u)
[[ -n $named ]] || { echo "FAIL  README.md's layout section has no folder tree"; exit 1; }

# Every folder git tracks (each prefix of each file's path).
tracked=$(git ls-files | awk -F/ '{p = $1; for (i = 2; i <= NF; i++) { print p; p = p "/" $i }}' | sort -u)
tools="harness $(sed -n 's/^set(RSOLV_TOOL_FOLDERS \(.*\))$/\1/p' CMakeLists.txt)"
[[ $tools != harness ]] || { echo "FAIL  CMakeLists.txt no longer sets RSOLV_TOOL_FOLDERS on one line"; exit 1; }

is_named() {  # is_named PATH: the tree names PATH or a folder below it
  awk -v path="$1" '$0 == path || index($0, path "/") == 1 {found = 1} END {exit !found}' <<<"$named"
}
required=$(grep -v / <<<"$tracked")
for tool in $tools; do
  for folder in $(grep "^$tool/[^/]*$" <<<"$tracked"); do
    [[ " $conventional " == *" ${folder#*/} "* ]] || required+=$'\n'"$folder"
  done
done
missing=0
for folder in $required; do
  is_named "$folder" || { echo "FAIL  $folder/ is tracked but not in README.md's layout"; missing=$((missing + 1)); }
done
check "every top-level and component folder git tracks is in README.md's layout ($(wc -w <<<"$required") folders)" \
  test "$missing" -eq 0
stale=0
for folder in $named; do
  grep -qxF "$folder" <<<"$tracked" || { echo "FAIL  README.md's layout names $folder/, which git does not track"; stale=$((stale + 1)); }
done
check "every folder README.md's layout names exists ($(wc -w <<<"$named") folders)" test "$stale" -eq 0
for name in $conventional; do
  check "README.md's layout describes the conventional $name/" grep -qF "\`$name/\`" <<<"$section"
done

if ((failures > 0)); then
  echo "readme_layout_test: $failures check(s) failed"
  exit 1
fi
echo "readme_layout_test: README.md's layout matches git ls-files"
