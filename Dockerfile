# rsolv-action: the RSOLV billing guard's image, published by the release workflow as
# ghcr.io/rsolv-dev/rsolv-action:<version> and :v<major>; action.yml runs that image, so a workflow
# pulls it instead of building this file.
#
# Stage 1 builds the one binary on Debian 12 with the project's release preset (OpenSSL and the C++
# runtime linked in, no libcurl) and strips it. Stage 2 is empty (scratch) plus what make-rootfs.sh
# derives with ldd in stage 1: the binary, the glibc files it loads, the CA certificates and
# OpenSSL's config. No shell, no package manager.

FROM debian:12-slim AS build
WORKDIR /src
COPY ci/bootstrap.sh ci/bootstrap.sh
RUN ci/bootstrap.sh --build-only && rm -rf /var/lib/apt/lists/*
# .dockerignore limits the context to what rsolv-action needs; RSOLV_EXCLUDE names the tools left out.
COPY . .
RUN cmake --preset release -DRSOLV_EXCLUDE="sandbox;webhook-sim;loadgen;security-tests" \
 && cmake --build --preset release --target rsolv-action \
 && strip --strip-all build-release/bin/rsolv-action \
 && build-release/bin/rsolv-action --version \
 && action/docker/make-rootfs.sh build-release/bin/rsolv-action /rootfs

FROM scratch
LABEL org.opencontainers.image.source="https://github.com/RSOLV-dev/rsolv-harness" \
      org.opencontainers.image.description="RSOLV billing guard: entitlement check and exactly-once fix reports"
COPY --from=build /rootfs/ /
# GitHub runs container actions as root and gives them runner-owned files ($GITHUB_OUTPUT,
# $GITHUB_STEP_SUMMARY) that a non-root USER cannot write, so the image has no USER line (GitHub's
# Dockerfile guidance). Instead the binary opens those files and reads the event payload, then
# drops to this unprivileged user before it touches the network or parses an API answer.
ENV RSOLV_ACTION_RUN_AS=10001:10001
ENTRYPOINT ["/usr/local/bin/rsolv-action"]
