#!/usr/bin/env bash
# Builds the release packages from the `release` preset (self-contained binaries: glibc only):
#   OUT/rsolv-harness_<version>_amd64.deb            Debian 12 / Ubuntu 24.04 (depends on libc6 only)
#   OUT/rsolv-harness-<version>-linux-x86_64.tar.gz  bin/ + share/doc/rsolv-harness/ under one folder
#   OUT/SHA256SUMS                                   both, in `sha256sum -c` format
# It refuses to package a binary that needs any shared library outside glibc. The release workflow
# and the package tests run exactly this.
# Usage: ci/package.sh [OUT_DIR=dist]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

ci/bootstrap.sh --build-only
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

# glibc's own libraries are the only ones a release binary may load.
glibc_only='^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-x86-64\.so\.2)$'
for tool in build-release/bin/rsolv-*; do
  needed="$(readelf -d "$tool" | sed -nE 's/.*Shared library: \[(.*)\]/\1/p')"
  extra="$(grep -vE "$glibc_only" <<<"$needed" || true)"
  if [[ -n "$extra" ]]; then
    echo "package: $tool needs libraries outside glibc: $(tr '\n' ' ' <<<"$extra")" >&2
    exit 1
  fi
done

version="$(sed -nE 's/^CMAKE_PROJECT_VERSION:STATIC=(.*)$/\1/p' build-release/CMakeCache.txt)"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
(cd build-release && cpack -G "DEB;TGZ" -B "$staging" >"$staging/cpack.log") || { cat "$staging/cpack.log" >&2; exit 1; }
deb="rsolv-harness_${version}_amd64.deb"
tarball="rsolv-harness-${version}-linux-x86_64.tar.gz"
for file in "$deb" "$tarball"; do
  [[ -f "$staging/$file" ]] || { echo "package: CPack did not write $file" >&2; exit 1; }
  mv -f "$staging/$file" "$out/$file"
done
(cd "$out" && sha256sum "$deb" "$tarball" >SHA256SUMS.tmp && mv -f SHA256SUMS.tmp SHA256SUMS)
echo "package: $out/$deb"
echo "package: $out/$tarball"
echo "package: $out/SHA256SUMS"
