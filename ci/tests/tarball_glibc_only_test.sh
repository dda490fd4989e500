#!/usr/bin/env bash
# The release tarball on a machine that has nothing but glibc: every binary's DT_NEEDED names only
# glibc's libraries, SHA256SUMS matches, and each tool starts inside a root that holds only the
# files of Debian's libc6 package (chroot); the sandbox even seeds a SQLite database there.
# Usage: tarball_glibc_only_test.sh DIST_DIR. The chroot part needs root (skipped otherwise).
set -euo pipefail
dist="$(cd "${1:?usage: tarball_glibc_only_test.sh DIST_DIR}" && pwd)"
tarball="$(ls "$dist"/rsolv-harness-*-linux-x86_64.tar.gz)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check "SHA256SUMS verifies the tarball and the .deb" eval '(cd "$dist" && sha256sum --quiet -c SHA256SUMS)'
tar -C "$work" -xzf "$tarball"
top="$work/$(basename "$tarball" .tar.gz)"
check "the tarball holds one top folder named after it" test -d "$top/bin"
tools=(rsolv-action rsolv-loadgen rsolv-sandbox rsolv-security rsolv-webhook-sim)
for tool in "${tools[@]}"; do
  needed="$(readelf -d "$top/bin/$tool" | sed -nE 's/.*Shared library: \[(.*)\]/\1/p' | tr '\n' ' ')"
  check "$tool needs only glibc ($needed)" \
    eval '! tr " " "\n" <<<"$needed" | awk NF | grep -qvE "^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-x86-64\.so\.2)$"'
  check "$tool is stripped" eval '! readelf -S "$top/bin/$tool" | grep -q "\.symtab"'
done
check "the manuals are in share/doc/rsolv-harness" test -f "$top/share/doc/rsolv-harness/README.md" -a -f "$top/share/doc/rsolv-harness/docs/loadgen.md"

if [[ $(id -u) -ne 0 ]]; then
  echo "note  not root: the binaries were not started in a glibc-only root"
else
  # A root with nothing but the files Debian's libc6 package installs (and /tmp).
  root="$work/glibc-root"
  mkdir -p "$root/tmp" "$root/usr/lib" "$root/usr/lib64" "$root/usr/bin"
  # Debian's merged /usr: /lib, /lib64 and /bin are relative links into /usr; keep them so.
  for link in lib lib64 bin; do
    if [[ -L "/$link" ]]; then cp -a "/$link" "$root/$link"; else mkdir -p "$root/$link"; fi
  done
  while IFS= read -r path; do
    if [[ (-f "$path" || -L "$path") && ! -d "$path" ]]; then
      mkdir -p "$root$(dirname "$path")"
      cp -a "$path" "$root$path"
    fi
  done < <(dpkg -L libc6)
  cp "$top"/bin/rsolv-* "$root/bin/"
  check "the root holds no libstdc++, libssl, libyaml-cpp, libsqlite3 or libcurl" \
    eval '! find "$root" -name "libstdc++*" -o -name "libssl*" -o -name "libyaml*" -o -name "libsqlite*" -o -name "libcurl*" | grep -q .'
  for tool in "${tools[@]}"; do
    check "$tool --version starts in the glibc-only root" eval 'chroot "$root" /bin/'"$tool"' --version >/dev/null'
  done
  check "rsolv-sandbox seeds a SQLite database in the glibc-only root" \
    eval 'chroot "$root" /bin/rsolv-sandbox seed --db /tmp/s.db --out /tmp/keys.json >/dev/null && test -s "$root/tmp/keys.json"'
fi

if ((failures > 0)); then
  echo "tarball_glibc_only_test: $failures check(s) failed"
  exit 1
fi
echo "tarball_glibc_only_test: the release binaries need nothing but glibc"
