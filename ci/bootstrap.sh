#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs to build, test and benchmark.
# Idempotent and quiet when everything is already there. Run as root (or with sudo available).
# Usage: ci/bootstrap.sh [--build-only]   (--build-only: what the release preset needs, no test tools)
set -euo pipefail
build_only=0
case "${1:-}" in
  "") ;;
  --build-only) build_only=1 ;;
  *) echo "bootstrap: unknown option '$1' (usage: ci/bootstrap.sh [--build-only])" >&2; exit 2 ;;
esac

build_packages=(
  g++ cmake ninja-build ccache pkg-config git ca-certificates
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev
  libboost-dev libboost-filesystem-dev libboost-system-dev
  libsqlite3-dev libcli11-dev libfmt-dev
  dpkg-dev
)
test_packages=(libgtest-dev libgmock-dev libbenchmark-dev)
# Peers and tools the tests and benchmarks run for real: curl, jq, sqlite3, wrk, nginx, gcovr,
# Prometheus (scrapes the tools in ci/tests), Python's YAML module (checks the workflows), Node.js,
# debootstrap (the clean Debian root the .deb is installed into). dpkg-dev above gives CPack
# dpkg-shlibdeps, which computes the .deb's dependencies.
tool_packages=(curl jq sqlite3 wrk nginx-light gcovr prometheus python3-yaml debootstrap)

wanted=("${build_packages[@]}")
((build_only)) || wanted+=("${test_packages[@]}" "${tool_packages[@]}")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js may come from elsewhere than Debian (a runner image); only install it when absent.
if ((!build_only)) && { ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; }; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# Where an init system runs, the nginx and prometheus packages start system services (ports 80 and
# 9090). They are left alone: the tests and benchmarks start their own instances with their own
# config, data folder and a free loopback port, so the system's services neither disturb them nor
# are disturbed (ci.build_hygiene).
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
