#!/usr/bin/env bash
# Checks what can be checked about the two images without a Docker engine:
#   1. Dockerfile: multi-stage, Debian 12 build stage using the release preset, strip, libraries
#      derived with ldd (action/docker/make-rootfs.sh), scratch final stage, exec-form ENTRYPOINT,
#      no root USER and an unprivileged RSOLV_ACTION_RUN_AS user for the privilege drop.
#   2. action.yml: a docker action that runs the published image (the release pushes it under the
#      project's major version), Marketplace branding, and every input is one the binary reads (each
#      has a flag of the same name in --help). ci/docker/tools.Dockerfile builds with ci/package.sh
#      and installs the .deb it makes.
#   3. The image's root filesystem, built here by the same script the Dockerfile runs: every
#      library `ldd` lists is in it, and the binary starts inside it (chroot, when root or a user
#      namespace allows) and answers a real `check` against a local rsolv-sandbox as the runner
#      would run it, dropping to uid 10001.
#   4. The image size, estimated from the files it holds (scratch adds nothing).
# With --context-build it also copies the build context as .dockerignore filters it and runs the
# build stage's commands there (slow: a clean build of the core; not part of ctest).
# Usage: ci/check-dockerfile.sh [ACTION_BUILD_DIR=build-release] [SANDBOX_BUILD_DIR=build] [--context-build]
# (the image holds the release preset's rsolv-action; the sandbox it is checked against may come
# from any build). Exit: 0 all good, 1 a check failed, 77 the binary is not built (ctest: skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
builds=()
context_build=0
for arg in "$@"; do
  case "$arg" in
    --context-build) context_build=1 ;;
    *) builds+=("$arg") ;;
  esac
done
binary="${builds[0]:-build-release}/bin/rsolv-action"
sandbox="${builds[1]:-build}/bin/rsolv-sandbox"
[[ -x "$binary" ]] || { echo "check-dockerfile: $binary is not built; skipping" >&2; exit 77; }

failures=0
pass() { echo "ok    $1"; }
fail() { echo "FAIL  $1" >&2; failures=$((failures + 1)); }
expect() {  # expect DESCRIPTION COMMAND...
  local description="$1"
  shift
  if "$@" >/dev/null 2>&1; then pass "$description"; else fail "$description"; fi
}

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [[ -n "$sandbox_pid" ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. Dockerfile -------------------------------------------------------------------------------
dockerfile="Dockerfile"
# A Dockerfile's instructions without comments, continuation lines joined; the last stage of them.
instructions_of() { sed -e 's/#.*$//' "$1" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' | awk 'NF'; }
last_stage_of() { awk '/^FROM /{stage=""} {stage = stage $0 "\n"} END {printf "%s", stage}' <<<"$1"; }
instructions="$(instructions_of "$dockerfile")"
final_stage="$(last_stage_of "$instructions")"
from_count="$(grep -c '^FROM ' <<<"$instructions")"
expect "Dockerfile is multi-stage ($from_count FROM lines)" test "$from_count" -ge 2
expect "build stage is debian:12-slim" grep -Eq '^FROM debian:12-slim AS build$' <<<"$instructions"
expect "build stage installs the build packages with ci/bootstrap.sh --build-only" \
  grep -Eq 'RUN ci/bootstrap.sh --build-only' <<<"$instructions"
expect "build stage uses the release preset, leaves the other tools out and builds only rsolv-action" \
  grep -Eq 'cmake --preset release -DRSOLV_EXCLUDE="sandbox;webhook-sim;loadgen;security-tests" .*cmake --build --preset release --target rsolv-action' <<<"$instructions"
expect "build stage strips the binary" grep -Eq 'strip --strip-all build-release/bin/rsolv-action' <<<"$instructions"
expect "build stage derives the runtime libraries with ldd (make-rootfs.sh)" \
  grep -Eq 'action/docker/make-rootfs.sh build-release/bin/rsolv-action /rootfs' <<<"$instructions"
expect "make-rootfs.sh reads the libraries from ldd" grep -q 'ldd "\$binary"' action/docker/make-rootfs.sh
expect "final stage is scratch and copies only the derived root filesystem" \
  bash -c 'grep -Eq "^FROM scratch$" <<<"$1" && [[ $(grep -c "^COPY" <<<"$1") == 1 ]] && grep -Eq "^COPY --from=build /rootfs/ /$" <<<"$1"' _ "$final_stage"
if grep -Eq '^USER' <<<"$final_stage"; then
  user="$(awk '/^USER/ {print $2}' <<<"$final_stage" | tail -1)"
  if [[ "$user" == "root" || "$user" == 0 || "$user" == 0:* ]]; then fail "final stage USER is root"; else
    fail "final stage sets USER $user: GitHub runs container actions as root and a non-root USER cannot write \$GITHUB_OUTPUT"
  fi
else
  pass "final stage has no USER line (GitHub's container-action requirement)"
fi
run_as="$(sed -nE 's/^ENV RSOLV_ACTION_RUN_AS=([0-9]+)(:([0-9]+))?$/\1 \3/p' <<<"$final_stage")"
read -r run_uid run_gid <<<"${run_as:-0 0}"
expect "final stage names an unprivileged user to drop to (RSOLV_ACTION_RUN_AS=${run_uid}:${run_gid:-$run_uid})" \
  test "${run_uid:-0}" -gt 0 -a "${run_gid:-$run_uid}" -gt 0
expect "ENTRYPOINT is the binary, exec form (no shell, which could drop INPUT_ names with hyphens)" \
  grep -Eq '^ENTRYPOINT \["/usr/local/bin/rsolv-action"\]$' <<<"$final_stage"

# The all-tools image: built by the same script as the release packages, installed from the .deb.
tools_instructions="$(instructions_of ci/docker/tools.Dockerfile)"
tools_final="$(last_stage_of "$tools_instructions")"
expect "tools image: the build stage runs ci/package.sh" grep -Eq '^RUN ci/package.sh /dist$' <<<"$tools_instructions"
expect "tools image: the final stage is debian:12-slim and apt-installs the .deb with CA certificates" \
  bash -c 'grep -Eq "^FROM debian:12-slim$" <<<"$1" && grep -Eq "apt-get install .*ca-certificates /tmp/dist/rsolv-harness_\*_amd64\.deb" <<<"$1"' _ "$tools_final"
expect "tools image: its .dockerignore keeps build folders out of the context" \
  grep -qx 'build\*/' ci/docker/tools.Dockerfile.dockerignore
expect "ci/k8s runs the published tools image" grep -q 'image: ghcr.io/rsolv-dev/rsolv-harness:v' ci/k8s/loadgen-indexed-job.yaml

# --- 2. action.yml -------------------------------------------------------------------------------
# Top-level sections and their two-space-indented keys (the file's own simple layout).
yml_keys() { awk -v section="$1:" '$0 == section {inside=1; next} /^[^ #]/ {inside=0} inside && /^  [a-z][a-z-]*:/ {sub(/^  /, ""); sub(/:.*/, ""); print}' action.yml; }
yml_value() { awk -v section="$1:" -v key="  $2:" '$0 == section {inside=1; next} /^[^ #]/ {inside=0} inside && index($0, key) == 1 {sub(/^[^:]*: */, ""); gsub(/["'"'"']/, ""); print}' action.yml; }
expect "action.yml runs.using is docker" test "$(yml_value runs using)" = docker
major="$(sed -nE 's/^project\(rsolv-harness VERSION ([0-9]+)\..*/\1/p' CMakeLists.txt)"
expect "action.yml runs the published image docker://ghcr.io/rsolv-dev/rsolv-action:v$major, not a build" \
  test "$(yml_value runs image)" = "docker://ghcr.io/rsolv-dev/rsolv-action:v$major"
expect "action.yml has Marketplace branding (shield, blue)" \
  test "$(yml_value branding icon)$(yml_value branding color)" = shieldblue
expect "action.yml has a name and a description" grep -Eq '^name: .+' action.yml
help="$("$binary" --help)"
inputs="$(yml_keys inputs)"
expect "action.yml declares inputs" test -n "$inputs"
for input in $inputs; do
  if [[ "$input" == command ]]; then
    expect "input command is the binary's positional command" grep -Eq '^  command ' <<<"$help"
  else
    expect "input $input is read by the binary (--$input)" grep -Eq -- "--$input( |$)" <<<"$help"
  fi
done

# --- 3. the root filesystem ------------------------------------------------------------------------
stripped="$work/rsolv-action"
cp "$binary" "$stripped"
strip --strip-all "$stripped"
rootfs="$work/rootfs"
action/docker/make-rootfs.sh "$stripped" "$rootfs"
missing=""
for library in $(ldd "$stripped" | awk '$2 == "=>" {print $3} $1 ~ /^\// {print $1}'); do
  [[ -f "$rootfs$library" ]] || missing="$missing $library"
done
expect "every library ldd lists is in the image${missing:+ (missing:$missing)}" test -z "$missing"
expect "the CA bundle is in the image" test -s "$rootfs/etc/ssl/certs/ca-certificates.crt"
# The lean transport reads OpenSSL's hashed directory (/usr/lib/ssl/certs -> /etc/ssl/certs) lazily.
hashed="$(find "$rootfs/etc/ssl/certs" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{8}\.[0-9]+' | wc -l)"
expect "the hashed CA directory holds certificate files, not links ($hashed)" test "$hashed" -gt 0
dangling=""
while IFS= read -r link; do
  target="$(readlink "$link")"
  [[ "$target" == /* ]] || target="$(dirname "${link#"$rootfs"}")/$target"
  [[ -e "$rootfs$target" ]] || dangling="$dangling ${link#"$rootfs"}"
done < <(find "$rootfs" -type l)
expect "every symlink in the image resolves inside it${dangling:+ (dangling:$dangling)}" test -z "$dangling"
expect "OpenSSL's default paths exist in the image (/usr/lib/ssl/certs, /usr/lib/ssl/cert.pem)" \
  test -d "$rootfs/etc/ssl/certs" -a -L "$rootfs/usr/lib/ssl/certs" -a -L "$rootfs/usr/lib/ssl/cert.pem"
needed="$(readelf -d "$stripped" | sed -nE 's/.*Shared library: \[(.*)\]/\1/p' | tr '\n' ' ')"
expect "the binary needs only glibc: libc, libm and the loader (DT_NEEDED: $needed)" \
  bash -c '! grep -vqE "^(libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2)$" <<<"$(tr " " "\n" <<<"$1" | awk NF)"' _ "$needed"
expect "passwd names uid 10001" grep -q ':10001:10001:' "$rootfs/etc/passwd"

# Full paths: the in-image run below starts from `env -i`, whose PATH has no sbin.
in_root=()
chroot_bin="$(command -v chroot || true)"
if [[ -n "$chroot_bin" && $(id -u) -eq 0 ]]; then
  in_root=("$chroot_bin" "$rootfs")
elif [[ -n "$chroot_bin" ]] && unshare -r true 2>/dev/null; then
  in_root=("$(command -v unshare)" -r "$chroot_bin" "$rootfs")
fi
if ((${#in_root[@]} == 0)); then
  echo "note  not root and no user namespaces: the binary was not started inside the image's files"
else
  expect "the binary starts inside the image's files alone" \
    bash -c '[[ "$("$@" /usr/local/bin/rsolv-action --version)" =~ ^[0-9]+\.[0-9]+ ]]' _ "${in_root[@]}"
  if [[ -x "$sandbox" ]]; then
    "$sandbox" seed --db "$work/sandbox.db" --out "$work/keys.json" >/dev/null
    "$sandbox" serve --listen 127.0.0.1:0 --db "$work/sandbox.db" --webhook-secret whsec_dockerfile_check \
      >"$work/sandbox.out" 2>"$work/sandbox.err" &
    sandbox_pid=$!
    for _ in $(seq 1 100); do
      [[ -s "$work/sandbox.out" ]] && break
      sleep 0.05
    done
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/sandbox.out" | head -1)"
    key="$(python3 -c 'import json,sys; print([c["api_key"] for c in json.load(open(sys.argv[1]))["customers"] if c["state"] == "pro_active"][0])' "$work/keys.json")"
    # The runner's file-command directory, owned by root and private, as uid 10001 could not open it.
    mkdir -p "$rootfs/github/file_commands"
    chmod 700 "$rootfs/github/file_commands"
    : >"$rootfs/github/file_commands/set_output"
    : >"$rootfs/github/file_commands/step_summary"
    chmod 600 "$rootfs/github/file_commands/"*
    set +e
    env -i GITHUB_ACTIONS=true GITHUB_OUTPUT=/github/file_commands/set_output \
      GITHUB_STEP_SUMMARY=/github/file_commands/step_summary GITHUB_REPOSITORY=octo-org/octo-repo \
      INPUT_COMMAND=check "INPUT_API-KEY=$key" "INPUT_API-URL=$url" INPUT_ON-API-ERROR=fail \
      INPUT_TIMEOUT-SECONDS=10 INPUT_MAX-RETRIES=1 "RSOLV_ACTION_RUN_AS=${run_uid}:${run_gid:-$run_uid}" \
      "${in_root[@]}" /usr/local/bin/rsolv-action >"$work/step.out" 2>"$work/step.err"
    status=$?
    set -e
    expect "a check from inside the image's files succeeds against a local sandbox (exit $status)" test "$status" -eq 0
    expect "it masks the key on its first line" bash -c '[[ "$(head -1 "$1")" == "::add-mask::$2" ]]' _ "$work/step.out" "$key"
    if [[ $(id -u) -eq 0 ]]; then
      expect "it drops root to uid ${run_uid} after opening the runner's files" grep -q "running as uid ${run_uid}," "$work/step.out"
    fi
    expect "it wrote its outputs to the runner's private file" grep -qx 'entitled=true' "$rootfs/github/file_commands/set_output"
    expect "the key is in no output file" bash -c '! grep -qF -- "$1" "$2" "$3"' _ "$key" \
      "$rootfs/github/file_commands/set_output" "$rootfs/github/file_commands/step_summary"
    rm -rf "$rootfs/github"
  else
    echo "note  $sandbox not built: the in-image check against a sandbox was skipped"
  fi
fi

# --- 4. size -----------------------------------------------------------------------------------
bytes="$(du -sb "$rootfs" | cut -f1)"
compressed="$(tar -C "$rootfs" -c . | gzip -6 | wc -c)"
binary_bytes="$(stat -c %s "$stripped")"
libraries_bytes="$(du -sbc "$rootfs"/lib* "$rootfs"/usr/lib 2>/dev/null | tail -1 | cut -f1)"
awk -v total="$bytes" -v packed="$compressed" -v bin="$binary_bytes" -v libs="$libraries_bytes" 'BEGIN {
  printf "size  estimated image: %.1f MB uncompressed, %.1f MB compressed layer (binary %.2f MB stripped, libraries %.1f MB, scratch base 0)\n",
         total / 1e6, packed / 1e6, bin / 1e6, libs / 1e6 }'

# --- 5. optional: the build stage's commands on the filtered context -------------------------------
if ((context_build)); then
  context="$work/context"
  python3 - "$context" <<'PY'
import fnmatch, os, shutil, sys
# Docker's .dockerignore rules, in the subset this project uses: patterns relative to the
# context root, '*' within a path element, '!' re-includes, the last matching line wins, and a
# pattern that matches a directory matches everything under it.
rules = []
for line in open(".dockerignore"):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    negate = line.startswith("!")
    rules.append((negate, os.path.normpath(line.lstrip("!"))))
def matches(pattern, path):
    parts = path.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:i]), pattern) and
               pattern.count("/") == "/".join(parts[:i]).count("/") for i in range(1, len(parts) + 1))
def excluded(path):
    result = False
    for negate, pattern in rules:
        if matches(pattern, path):
            result = not negate
    return result
target = sys.argv[1]
for root, dirs, files in os.walk("."):
    dirs[:] = [d for d in dirs if not d.startswith(".git")]
    for name in files:
        path = os.path.normpath(os.path.join(root, name))
        if not excluded(path):
            os.makedirs(os.path.join(target, os.path.dirname(path)), exist_ok=True)
            shutil.copy2(path, os.path.join(target, path))
PY
  echo "note  context: $(find "$context" -type f | wc -l) files, $(du -sh "$context" | cut -f1)"
  # The build stage's RUN lines after `COPY . .`, as the Dockerfile has them, without ccache (a
  # Docker build has none), writing the root filesystem into the work folder.
  build_run="$(awk '/^FROM .* AS build$/ {inside=1; next} /^FROM / {inside=0}
                    inside && copied && /^RUN / {sub(/^RUN /, ""); print}
                    inside && /^COPY \. \.$/ {copied=1}' <<<"$instructions" | sed "s| /rootfs\$| $work/context-rootfs|")"
  # CPU seconds as well as wall time: the wall time depends on what else the machine is doing.
  if { TIMEFORMAT='%R s wall, %U s user + %S s system CPU'; time (cd "$context" \
         && CCACHE_DISABLE=1 bash -euo pipefail -c "$build_run" >"$work/build.log" 2>&1); } 2>"$work/build.time"; then
    echo "note  the build stage compiled and packed rsolv-action: $(cat "$work/build.time") (ccache off, $(nproc) cores)"
    pass "the build stage's commands succeed on the .dockerignore-filtered context"
  else
    fail "the build stage's commands fail on the filtered context (see below)"
    tail -20 "$work/build.log" >&2 || true
  fi
fi

if ((failures > 0)); then
  echo "check-dockerfile: $failures check(s) failed" >&2
  exit 1
fi
echo "check-dockerfile: all checks passed"
