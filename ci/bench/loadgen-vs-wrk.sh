#!/usr/bin/env bash
# rsolv-loadgen next to wrk against the same nginx (Debian nginx-light, ONE worker, a small static
# file on loopback), with the same connections, threads and duration. Prints, for each tool,
# requests/s and requests per CPU-second (user+sys from /usr/bin/time) and the ratios
# rsolv-loadgen / wrk (goal: >= 1.0 on both). Then memory per connection: the growth of the peak
# RSS from 100 to MEMORY_CONNECTIONS connections, divided by the connections added (goal < 16 KiB).
# The machine is often shared, so the two tools run interleaved ROUNDS times and the median round
# (by requests/s) of each is reported. Everything binds to 127.0.0.1 and is stopped on exit.
# Usage: ci/bench/loadgen-vs-wrk.sh [BUILD_DIR=build] [DURATION_SECONDS=10]
#        env CONNECTIONS=100 THREADS=1 ROUNDS=3 MEMORY_CONNECTIONS=10000
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../.."
build="${1:-build}"
duration="${2:-10}"
connections="${CONNECTIONS:-100}"
threads="${THREADS:-1}"
rounds="${ROUNDS:-3}"
memory_connections="${MEMORY_CONNECTIONS:-10000}"
loadgen="$build/bin/rsolv-loadgen"
[[ -x "$loadgen" ]] || { echo "loadgen-vs-wrk: $loadgen not built (run ci/build.sh)" >&2; exit 2; }
for tool in wrk nginx python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "loadgen-vs-wrk: $tool is not installed (ci/bootstrap.sh)" >&2; exit 2; }
done

work="$(mktemp -d)"
nginx_pid=""
cleanup() {
  if [[ -n "$nginx_pid" ]] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -TERM "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# --- nginx: one worker, foreground, every path inside the temp dir --------------------------------
port="$(free_port)"
mkdir -p "$work/www" "$work/nginx-tmp"
chmod 755 "$work" "$work/www"
printf '{"entitled":true,"reason":"credits","credit_balance":45,"subscription_type":"pro"}\n' >"$work/www/index.json"
chmod 644 "$work/www/index.json"
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
worker_rlimit_nofile $((memory_connections + 2000));
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections $((memory_connections + 1000)); }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:$port backlog=16384;
    root $work/www;
  }
}
NGINX
nginx -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" &
nginx_pid=$!
url="http://127.0.0.1:$port/index.json"
for _ in $(seq 1 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx-error.log" >&2; exit 1; }
  sleep 0.05
done

scenario() {  # scenario VUS DURATION_SECONDS THINK
  local think=""
  [[ -n "$3" ]] && think="        sleep: $3"
  cat <<YAML
name: loadgen-vs-wrk
scenarios:
  static:
    executor: constant-vus
    vus: $1
    duration: ${2}s
    gracefulStop: 5s
    flow:
      - url: $url
        timeout: 30s
$think
YAML
}

# Each run writes "requests seconds cpu_seconds max_rss_kib" to OUT: seconds is the tool's own
# measured test duration (start-up and teardown are not load), CPU is the whole process's.
run_wrk() {  # run_wrk OUT CONNECTIONS DURATION
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" timeout $(($3 + 60)) wrk -t"$threads" -c"$2" -d"$3"s "$url" >"$work/wrk.txt"
  local requests seconds
  requests="$(awk '/requests in/ {print $1}' "$work/wrk.txt")"
  seconds="$(awk '/requests in/ {sub(/s,?$/, "", $4); print $4}' "$work/wrk.txt")"
  awk -v r="$requests" -v s="$seconds" '{print r, s, $2 + $3, $4}' "$work/time" >"$1"
}
run_loadgen() {  # run_loadgen OUT VUS DURATION [THINK]
  scenario "$2" "$3" "${4:-}" >"$work/scenario.yaml"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" timeout $(($3 + 60)) \
    "$loadgen" run "$work/scenario.yaml" --threads "$threads" --quiet --out "$work/summary.json" >/dev/null
  local requests failed seconds
  requests="$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["values"]["count"]))' "$work/summary.json")"
  seconds="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["duration_seconds"])' "$work/summary.json")"
  failed="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["http_req_failed"]["values"]["rate"])' "$work/summary.json")"
  [[ "$failed" == "0" || "$failed" == "0.0" ]] || echo "loadgen-vs-wrk: warning: rsolv-loadgen saw failed rate $failed" >&2
  awk -v r="$requests" -v s="$seconds" '{print r, s, $2 + $3, $4}' "$work/time" >"$1"
}

echo "nginx $(nginx -v 2>&1 | cut -d/ -f2) (1 worker), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'), rsolv-loadgen $("$loadgen" --version | awk '{print $2}')"
echo "connections $connections, threads $threads, ${duration}s per run, $rounds rounds, $(nproc) cores"
for round in $(seq 1 "$rounds"); do
  run_wrk "$work/round-wrk.$round" "$connections" "$duration"
  run_loadgen "$work/round-loadgen.$round" "$connections" "$duration"
  echo "  round $round: wrk $(cat "$work/round-wrk.$round"), rsolv-loadgen $(cat "$work/round-loadgen.$round")  (requests s cpu-s rss-KiB)"
done

# The median round by requests/s: "requests/s requests-per-cpu-second".
median() {
  for f in "$work/round-$1".*; do awk '{printf "%.1f %.1f\n", $1 / $2, $1 / ($3 > 0 ? $3 : 1e-9)}' "$f"; done |
    sort -n | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'
}
read -r wrk_rps wrk_rpc <<<"$(median wrk)"
read -r lg_rps lg_rpc <<<"$(median loadgen)"
ratio_rps="$(awk -v a="$lg_rps" -v b="$wrk_rps" 'BEGIN {printf "%.2f", a / b}')"
ratio_rpc="$(awk -v a="$lg_rpc" -v b="$wrk_rpc" 'BEGIN {printf "%.2f", a / b}')"
echo
printf '%-16s %14s %20s\n' tool requests/s "requests/CPU-second"
printf '%-16s %14s %20s\n' wrk "$wrk_rps" "$wrk_rpc"
printf '%-16s %14s %20s\n' rsolv-loadgen "$lg_rps" "$lg_rpc"
printf '%-16s %13sx %19sx   (goal >= 1.0x on both)\n' "ratio" "$ratio_rps" "$ratio_rpc"
record_ratio loadgen-vs-wrk "requests/s vs wrk (-c$connections -t$threads)" "$ratio_rps" ">= 1.0"
record_ratio loadgen-vs-wrk "requests per CPU-second vs wrk" "$ratio_rpc" ">= 1.0"

# --- memory per connection -------------------------------------------------------------------------
# Peak RSS at 100 and at MEMORY_CONNECTIONS open keep-alive connections (VUs pausing 1 s between
# requests, so the server keeps up); the difference over the connections added is what one
# connection costs: VU state, connection, parser, buffers.
echo
run_loadgen "$work/mem.small" 100 4 1s
run_loadgen "$work/mem.large" "$memory_connections" 4 1s
run_wrk "$work/wmem.small" 100 4
run_wrk "$work/wmem.large" "$memory_connections" 4
per_connection() {
  awk -v n="$memory_connections" 'NR == FNR {small = $4; next} {printf "%.0f", ($4 - small) * 1024 / (n - 100)}' "$1" "$2"
}
lg_bytes="$(per_connection "$work/mem.small" "$work/mem.large")"
wrk_bytes="$(per_connection "$work/wmem.small" "$work/wmem.large")"
printf 'memory per connection (peak RSS, 100 -> %d connections): rsolv-loadgen %d bytes (%.1f KiB, goal < 16 KiB), wrk %d bytes\n' \
  "$memory_connections" "$lg_bytes" "$(awk -v b="$lg_bytes" 'BEGIN {print b / 1024}')" "$wrk_bytes"
printf 'requests at %d connections: rsolv-loadgen %s, wrk %s\n' "$memory_connections" \
  "$(awk '{print $1}' "$work/mem.large")" "$(awk '{print $1}' "$work/wmem.large")"
record_ratio loadgen-vs-wrk "memory per connection, KiB (absolute, not a ratio)" \
  "$(awk -v b="$lg_bytes" 'BEGIN {printf "%.1f", b / 1024}')" "< 16"
