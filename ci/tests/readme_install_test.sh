#!/usr/bin/env bash
# Runs the README's install commands as a user would copy them, with the release's download URL
# pointing at the local release (dist/, laid out as <base>/v<version>/<file>), `sudo` dropped and
# /usr/local replaced by a scratch prefix. The .deb's `apt-get install` line is the one
# deb_install_test.sh runs inside a clean Debian root; here it is only checked to name the same file.
# Usage: readme_install_test.sh SOURCE_DIR DIST_DIR
set -euo pipefail
source="$(cd "${1:?usage: readme_install_test.sh SOURCE_DIR DIST_DIR}" && pwd)"
dist="$(cd "${2:?usage: readme_install_test.sh SOURCE_DIR DIST_DIR}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="$(basename "$(ls "$dist"/rsolv-harness-*-linux-x86_64.tar.gz)" | sed -E 's/^rsolv-harness-(.*)-linux-x86_64\.tar\.gz$/\1/')"
mkdir -p "$work/releases/v$version" "$work/prefix" "$work/cwd"
cp "$dist"/* "$work/releases/v$version/"

# The first ```sh block after "## Install".
block="$(awk '/^## Install/ {inside=1; next} /^## / {inside=0} inside && /^```sh/ {code=1; next} inside && code && /^```/ {exit} code' "$source/README.md")"
[[ -n "$block" ]] || { echo "FAIL  README.md has no sh block under ## Install"; exit 1; }
grep -q "releases/download/v$version/" <<<"$block" || { echo "FAIL  the README's install commands do not name v$version"; exit 1; }
apt_line="$(grep -E '^sudo apt-get install \./rsolv-harness_' <<<"$block" || true)"
[[ "$apt_line" == "sudo apt-get install ./rsolv-harness_${version}_amd64.deb" ]] \
  || { echo "FAIL  the README's .deb line is '$apt_line'"; exit 1; }
script="$(grep -vE '^sudo apt-get install' <<<"$block" \
  | sed -e "s|https://github.com/RSOLV-dev/rsolv-harness/releases/download|file://$work/releases|g" \
        -e 's/sudo //g' -e "s| -C /usr/local | -C $work/prefix |g")"
echo "running the README's install commands:"
sed 's/^/  /' <<<"$script"
(cd "$work/cwd" && bash -euo pipefail -c "$script")
[[ -f "$work/cwd/rsolv-harness_${version}_amd64.deb" ]] || { echo "FAIL  the .deb was not downloaded"; exit 1; }
for tool in rsolv-action rsolv-loadgen rsolv-sandbox rsolv-security rsolv-webhook-sim; do
  [[ "$("$work/prefix/bin/$tool" --version)" == *"$version"* ]] || { echo "FAIL  $tool from the tarball install"; exit 1; }
done
[[ -f "$work/prefix/share/doc/rsolv-harness/README.md" ]] || { echo "FAIL  no share/doc/rsolv-harness in the prefix"; exit 1; }
# A corrupted download must stop the tar step.
(cd "$work/cwd" && printf 'x' >>"rsolv-harness-$version-linux-x86_64.tar.gz")
if (cd "$work/cwd" && bash -euo pipefail -c "$(grep '^sha256sum' <<<"$script")" >/dev/null 2>&1); then
  echo "FAIL  the README's checksum line accepts a corrupted tarball"; exit 1
fi
echo "readme_install_test: the README's install commands install every tool and refuse a corrupted download"
