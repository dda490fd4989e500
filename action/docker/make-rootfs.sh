#!/usr/bin/env bash
# Builds the root filesystem of the rsolv-action image: the binary, exactly the shared libraries
# `ldd` says it loads (the dynamic loader included), the CA bundle, OpenSSL's configuration, and
# passwd/group entries for the unprivileged user the action drops to. Nothing else: no shell, no
# package manager. The Dockerfile runs it in the build stage; ci/check-dockerfile.sh runs it here
# and starts the binary inside the result with chroot, so a missing library shows up without Docker.
# Usage: make-rootfs.sh BINARY ROOTFS_DIR
set -euo pipefail
binary="${1:?usage: make-rootfs.sh BINARY ROOTFS_DIR}"
rootfs="${2:?usage: make-rootfs.sh BINARY ROOTFS_DIR}"
[[ -x "$binary" ]] || { echo "make-rootfs: $binary is not an executable" >&2; exit 2; }

mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc/ssl/certs" "$rootfs/usr/lib/ssl" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
install -m 0755 "$binary" "$rootfs/usr/local/bin/rsolv-action"

# Every library the loader resolves ("name => /path (addr)") plus the loader itself ("/lib64/ld-...").
# cp -L copies the file a symlink names, at the path the loader looks for.
libraries="$(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')"
[[ -n "$libraries" ]] || { echo "make-rootfs: ldd found no libraries for $binary (static binary?)" >&2; exit 1; }
if ldd "$binary" | grep -q "not found"; then
  echo "make-rootfs: unresolved libraries: $(ldd "$binary" | grep 'not found')" >&2
  exit 1
fi
for library in $libraries; do
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done

cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
# Debian's OpenSSL defaults (security level 2) rather than the library's built-in ones.
cp -L /usr/lib/ssl/openssl.cnf "$rootfs/usr/lib/ssl/openssl.cnf"
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/nonexistent:/usr/sbin/nologin
rsolv:x:10001:10001:rsolv-action:/nonexistent:/usr/sbin/nologin
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
rsolv:x:10001:
GROUP
# glibc >= 2.34 has the files and dns NSS modules built in, so no libnss_*.so is needed.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
