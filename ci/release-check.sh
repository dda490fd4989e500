#!/usr/bin/env bash
# Before a release is published: the tag, the project version and what users are pointed at agree.
#   - TAG is vX.Y.Z and X.Y.Z is CMakeLists.txt's project version (what --version prints);
#   - action.yml runs the image the release pushes under the moving major tag (ghcr.io/...:vX);
#   - the README, docs, templates and workflows name the actions at @vX, and the README's install
#     commands download this release.
# Usage: ci/release-check.sh TAG   (the release workflow runs it with the pushed tag)
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:?usage: ci/release-check.sh TAG (e.g. v1.0.0)}"
fail() { echo "release-check: $*" >&2; exit 1; }
[[ "$tag" =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || fail "tag '$tag' is not vX.Y.Z"
major="${BASH_REMATCH[1]}"
version="$(sed -nE 's/^project\(rsolv-harness VERSION ([0-9.]+) .*/\1/p' CMakeLists.txt)"
[[ "v$version" == "$tag" ]] || fail "tag $tag does not match the project version $version in CMakeLists.txt"
image="$(sed -nE 's/^  image: *["'\'']?([^"'\'' ]+)["'\'']?$/\1/p' action.yml)"
[[ "$image" == "docker://ghcr.io/rsolv-dev/rsolv-action:v$major" ]] \
  || fail "action.yml runs '$image', not the image this release pushes (docker://ghcr.io/rsolv-dev/rsolv-action:v$major)"
stale="$(grep -rnoE "RSOLV-dev/rsolv-harness(/setup)?@v[0-9]+" README.md docs ci/templates ci/workflows \
           | grep -v "@v$major\$" || true)"
[[ -z "$stale" ]] || fail "these name another major version than v$major: $(tr '\n' ' ' <<<"$stale")"
grep -q "releases/download/$tag/rsolv-harness-$version-linux-x86_64.tar.gz" README.md \
  || fail "the README's install commands do not download $tag"
echo "release-check: $tag matches the project version, action.yml's image and every @v$major reference"
