#!/usr/bin/env bash
# The setup action's one step (setup/action.yml): download the release tarball for this runner,
# verify it against the release's SHA256SUMS, unpack it into the runner's tool cache
# ($RUNNER_TOOL_CACHE/rsolv-harness/<version>/x64, with the toolkit's `x64.complete` marker) and put
# its bin/ on PATH. A later job on the same runner finds the cache and downloads nothing.
# Environment: RSOLV_SETUP_VERSION (latest | X.Y.Z | vX.Y.Z), RSOLV_SETUP_TOKEN (for `latest`),
# RSOLV_SETUP_BASE_URL (assets at BASE/vX.Y.Z/FILE), and the runner's RUNNER_OS, RUNNER_ARCH,
# RUNNER_TOOL_CACHE, RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT.
set -euo pipefail

repository="RSOLV-dev/rsolv-harness"
max_bytes=$((200 * 1024 * 1024))   # a release tarball is ~10 MB; refuse anything absurd
fail() { echo "::error title=rsolv-harness setup::$1"; exit 1; }

os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$os/$arch" in
  Linux/X64 | Linux/x86_64) ;;
  *) fail "releases are built for Linux x64 only; this runner is $os $arch. Build from source instead (README: ci/build.sh)." ;;
esac

# The release binaries link everything but glibc in, and need glibc 2.36 (Debian 12, Ubuntu 24.04).
glibc="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
if [[ "$glibc" =~ ^2\.([0-9]+)$ ]] && ((BASH_REMATCH[1] < 36)); then
  fail "the release binaries need glibc 2.36 or newer; this runner has $glibc (on GitHub: runs-on: ubuntu-24.04 or ubuntu-latest)"
fi

if command -v curl >/dev/null 2>&1; then
  fetch() { curl --fail --silent --show-error --location --retry 3 --connect-timeout 20 --max-time 300 --max-filesize "$max_bytes" "$@"; }
else
  fail "curl is needed to download the release (apt-get install curl)"
fi

version="${RSOLV_SETUP_VERSION:-latest}"
if [[ "$version" == latest ]]; then
  auth=()
  [[ -n "${RSOLV_SETUP_TOKEN:-}" ]] && auth=(-H "Authorization: Bearer $RSOLV_SETUP_TOKEN")
  answer="$(fetch "${auth[@]}" -H "Accept: application/vnd.github+json" \
              "https://api.github.com/repos/$repository/releases/latest")" \
    || fail "cannot look up the latest release of $repository (set the input version: X.Y.Z)"
  version="$(sed -nE 's/^ *"tag_name": *"([^"]+)".*/\1/p' <<<"$answer" | head -1)"
  [[ -n "$version" ]] || fail "the GitHub API answer for the latest release names no tag_name"
fi
version="${version#v}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] \
  || fail "version '$version' is not X.Y.Z (or vX.Y.Z, or latest)"

cache_root="${RUNNER_TOOL_CACHE:-${HOME:-/tmp}/.cache/rsolv-tool-cache}"
install_dir="$cache_root/rsolv-harness/$version/x64"
marker="$install_dir.complete"
cache_hit=false
if [[ -f "$marker" && -x "$install_dir/bin/rsolv-loadgen" ]]; then
  cache_hit=true
  echo "rsolv-harness $version from the tool cache ($install_dir)"
else
  base="${RSOLV_SETUP_BASE_URL:-https://github.com/$repository/releases/download}"
  base="${base%/}/v$version"
  tarball="rsolv-harness-$version-linux-x86_64.tar.gz"
  work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/rsolv-setup.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  fetch --output "$work/SHA256SUMS" "$base/SHA256SUMS" || fail "cannot download $base/SHA256SUMS (is $version released?)"
  fetch --output "$work/$tarball" "$base/$tarball" || fail "cannot download $base/$tarball"
  expected="$(awk -v name="$tarball" '$2 == name || $2 == "*" name {print $1}' "$work/SHA256SUMS")"
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "SHA256SUMS of $version has no line for $tarball"
  actual="$(sha256sum "$work/$tarball" | cut -d' ' -f1)"
  [[ "$actual" == "$expected" ]] || fail "$tarball does not match SHA256SUMS (got $actual, want $expected): not installed"
  mkdir -p "$work/unpacked"
  tar -xzf "$work/$tarball" -C "$work/unpacked" --strip-components=1 --no-same-owner
  [[ -x "$work/unpacked/bin/rsolv-loadgen" ]] || fail "$tarball holds no bin/rsolv-loadgen"
  rm -rf "$install_dir" "$marker"
  mkdir -p "$(dirname "$install_dir")"
  mv "$work/unpacked" "$install_dir"
  touch "$marker"
  echo "rsolv-harness $version downloaded, sha256 verified ($actual), into $install_dir"
fi

"$install_dir/bin/rsolv-loadgen" --version >/dev/null 2>&1 \
  || fail "$install_dir/bin/rsolv-loadgen does not start on this runner (glibc too old?)"
echo "$install_dir/bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set: run this as a GitHub Actions step}"
{
  echo "version=$version"
  echo "path=$install_dir"
  echo "cache-hit=$cache_hit"
} >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this as a GitHub Actions step}"
