# rsolv-action: the RSOLV billing guard as a container action.
#
# Stage 1 builds the one binary on Debian 12 with the project's own CMake preset and strips it.
# Stage 2 is empty (scratch) plus what make-rootfs.sh derives with ldd in stage 1: the binary, the
# exact shared libraries it loads (libc, libssl, libcrypto: the action does not use libcurl), the CA
# certificates and OpenSSL's config. No shell, no package manager. libcurl and fmt stay in the build
# stage because the top-level CMakeLists.txt finds them for every build.
# Estimated size: ~10.5 MB uncompressed, ~4.3 MB compressed (see docs/action.md).

FROM debian:12-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build binutils ca-certificates \
      libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev \
      libboost-dev libboost-filesystem-dev libboost-system-dev \
      libsqlite3-dev libcli11-dev libfmt-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore limits the context to what rsolv-action needs (the other tools are left out, and
# the top-level CMakeLists.txt skips folders that are absent).
COPY . .
RUN cmake --preset default -DRSOLV_BUILD_TESTS=OFF -DRSOLV_BUILD_BENCH=OFF \
 && cmake --build --preset default --target rsolv-action \
 && strip --strip-all build/bin/rsolv-action \
 && build/bin/rsolv-action --version \
 && action/docker/make-rootfs.sh build/bin/rsolv-action /rootfs

FROM scratch
COPY --from=build /rootfs/ /
# GitHub runs container actions as root and gives them runner-owned files ($GITHUB_OUTPUT,
# $GITHUB_STEP_SUMMARY) that a non-root USER cannot write, so the image has no USER line (GitHub's
# Dockerfile guidance). Instead the binary opens those files and reads the event payload, then
# drops to this unprivileged user before it touches the network or parses an API answer.
ENV RSOLV_ACTION_RUN_AS=10001:10001
ENTRYPOINT ["/usr/local/bin/rsolv-action"]
