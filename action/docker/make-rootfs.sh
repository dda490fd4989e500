#!/usr/bin/env bash
# Builds the root filesystem of the rsolv-action image: the binary, exactly the shared libraries
# `ldd` says it loads (the dynamic loader included), the CA certificates (OpenSSL's hashed
# directory, which the binary reads lazily, plus the bundle as a fallback), OpenSSL's
# configuration, and passwd/group entries for the unprivileged user the action drops to. Nothing
# else: no shell, no package manager. The Dockerfile runs it in the build stage; ci/check-dockerfile.sh runs it here
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
# The hashed directory (<subject hash>.N -> certificate) lets OpenSSL read only the issuer a server
# needs instead of parsing the whole bundle (~35 ms) on every https call. On Debian the links point
# into /usr/share/ca-certificates, which the image does not carry: copy the files themselves.
hash_links=0
for link in /etc/ssl/certs/*; do
  name="$(basename "$link")"
  if [[ "$name" =~ ^[0-9a-f]{8}\.[0-9]+$ && -f "$link" ]]; then
    cp -L "$link" "$rootfs/etc/ssl/certs/$name"
    hash_links=$((hash_links + 1))
  fi
done
((hash_links > 0)) || echo "make-rootfs: note: no hashed CA directory on this host; the binary will read the bundle" >&2
# OpenSSL's compiled-in defaults (OPENSSLDIR /usr/lib/ssl): certs/ is the hashed directory and
# cert.pem the bundle, as on Debian.
ln -sfn /etc/ssl/certs "$rootfs/usr/lib/ssl/certs"
ln -sfn /etc/ssl/certs/ca-certificates.crt "$rootfs/usr/lib/ssl/cert.pem"
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
