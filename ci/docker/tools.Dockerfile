# rsolv-harness: all five tools on debian:12-slim, for `container:` jobs, Kubernetes (ci/k8s/) and
# `docker run`. Published by the release workflow as ghcr.io/rsolv-dev/rsolv-harness:<version> and
# :v<major>. Build from the repository root:
#   docker build -f ci/docker/tools.Dockerfile -t rsolv-harness .
# Stage 1 runs ci/package.sh (the release preset: binaries that need only glibc) exactly as the
# release does; stage 2 installs the resulting .deb, so the image holds what `apt-get install` gives.

FROM debian:12-slim AS build
WORKDIR /src
COPY ci/bootstrap.sh ci/bootstrap.sh
RUN ci/bootstrap.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
RUN ci/package.sh /dist

FROM debian:12-slim
LABEL org.opencontainers.image.source="https://github.com/RSOLV-dev/rsolv-harness" \
      org.opencontainers.image.description="rsolv-harness: rsolv-loadgen, rsolv-webhook-sim, rsolv-security, rsolv-sandbox, rsolv-action"
COPY --from=build /dist/ /tmp/dist/
# ca-certificates for https targets; the package itself depends on libc6 only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates /tmp/dist/rsolv-harness_*_amd64.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/dist \
 && rsolv-loadgen --version
# No USER line: GitHub `container:` jobs run steps as root in the runner's workspace. Kubernetes
# manifests (ci/k8s/) set runAsUser 10001 themselves.
