#!/usr/bin/env bash
# rsolv-action next to the same step written in Node.js: both ask a seeded local rsolv-sandbox
# GET /api/v1/entitlement for a Pro customer, as a container action would on a runner (inputs in
# INPUT_* variables, GITHUB_ACTIONS=true), and append their outputs to $GITHUB_OUTPUT (the JSON
# answer in a heredoc) and a table to $GITHUB_STEP_SUMMARY.
#   1. `rsolv-action check` (the built binary),
#   2. `node entitlement.mjs`: fetch() + the same output and summary files (node from the system).
# Each process is started N times (default 50, interleaved with the other, after 3 warm-up runs of
# each) and its wall time measured from spawn to exit by one Python timer; the script prints the
# medians, p90 and the ratio node/action. Goal: rsolv-action median < 20 ms. For reading the
# numbers on a given machine it also times bare process starts (/bin/true, rsolv-action --version).
# Exit 0 when the goal is met, 1 when not, 2 when something is missing.
# Every run's exit code and outputs are checked, so a failing step cannot look fast.
# Usage: ci/bench/action-vs-node.sh [BUILD_DIR=build] [N=50]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "$0")/../.."
build="${1:-build}"
runs="${2:-50}"
action="$build/bin/rsolv-action"
sandbox="$build/bin/rsolv-sandbox"
for binary in "$action" "$sandbox"; do
  [[ -x "$binary" ]] || { echo "action-vs-node: $binary not built (cmake --build $build --target rsolv-action rsolv-sandbox)" >&2; exit 2; }
done
for tool in node python3; do
  command -v "$tool" >/dev/null || { echo "action-vs-node: $tool is not installed (apt-get install nodejs python3)" >&2; exit 2; }
done
if ! [[ "$runs" =~ ^[0-9]+$ ]] || ((runs < 1 || runs > 10000)); then
  echo "action-vs-node: N must be 1..10000" >&2
  exit 2
fi

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

# --- a seeded sandbox, the per-key API limit out of the way ---------------------------------------
start_sandbox "$sandbox" "$work" --webhook-secret whsec_bench_action_vs_node --rate-limit-api 1000000000/3600

# --- the Node.js step: what a JavaScript/TypeScript action does for the same call -----------------
cat >"$work/entitlement.mjs" <<'JS'
// The same step as `rsolv-action check`, the way a JavaScript action would write it without
// dependencies: mask the key, fetch the entitlement, append outputs (heredoc for the JSON) and a
// summary table, exit 1 when not entitled.
import { appendFileSync } from "node:fs";
import { randomUUID } from "node:crypto";

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] || "").trim();
const key = input("api-key");
process.stdout.write(`::add-mask::${key}\n`);
const url = input("api-url").replace(/\/+$/, "");
const response = await fetch(`${url}/api/v1/entitlement`, {
  headers: { "x-api-key": key, accept: "application/json" },
  signal: AbortSignal.timeout(Number(input("timeout-seconds") || 30) * 1000),
});
const body = await response.json();
if (response.status !== 200) {
  process.stdout.write(`::error title=RSOLV entitlement check failed::HTTP ${response.status}\n`);
  process.exit(1);
}
const delimiter = `ghadelimiter_${randomUUID()}`;
const outputs = {
  entitled: String(body.entitled),
  reason: body.reason,
  "credit-balance": String(body.credit_balance),
  "subscription-type": body.subscription_type,
  "charge-per-fix-cents": String(body.charge_per_fix_cents),
};
let text = "";
for (const [name, value] of Object.entries(outputs)) text += `${name}=${value}\n`;
text += `response<<${delimiter}\n${JSON.stringify(body, null, 2)}\n${delimiter}\n`;
appendFileSync(process.env.GITHUB_OUTPUT, text);
appendFileSync(process.env.GITHUB_STEP_SUMMARY,
  `### RSOLV entitlement check\n\n| | |\n| --- | --- |\n` +
  Object.entries(outputs).map(([name, value]) => `| ${name} | ${value} |`).join("\n") + "\n\n");
console.log(`entitled: ${body.reason}, ${body.credit_balance} credits left`);
process.exit(body.entitled ? 0 : 1);
JS

# --- the timer: spawn to exit, interleaved, every run checked -------------------------------------
python3 - "$action" "$(command -v node)" "$work" "$sandbox_url" "$runs" <<'PY'
import json, os, statistics, subprocess, sys, time

action, node, work, url, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
keys = json.load(open(os.path.join(work, "keys.json")))
key = [c["api_key"] for c in keys["customers"] if c["state"] == "pro_active"][0]
output, summary = os.path.join(work, "set_output"), os.path.join(work, "step_summary")

def runner_env():
    # What the runner gives a container action: GITHUB_* variables and every input as INPUT_<NAME>.
    return {"PATH": "/usr/bin:/bin", "GITHUB_ACTIONS": "true", "CI": "true",
            "GITHUB_REPOSITORY": "octo-org/octo-repo", "GITHUB_OUTPUT": output, "GITHUB_STEP_SUMMARY": summary,
            "INPUT_COMMAND": "check", "INPUT_API-KEY": key, "INPUT_API-URL": url, "INPUT_REPOSITORY": "",
            "INPUT_PR-NUMBER": "", "INPUT_COMMIT-SHA": "", "INPUT_ON-API-ERROR": "fail",
            "INPUT_TIMEOUT-SECONDS": "30", "INPUT_MAX-RETRIES": "3"}

commands = {"rsolv-action": [action, "check"], "node": [node, os.path.join(work, "entitlement.mjs")]}
# What starting any process costs on this machine, to read the numbers against (not compared).
baseline = {"/bin/true": ["/bin/true"], "rsolv-action --version": [action, "--version"]}

def start_only(command):
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return (time.perf_counter() - started) * 1000.0

def one(name):
    for path in (output, summary):
        open(path, "w").close()
    env = runner_env()
    started = time.perf_counter()
    done = subprocess.run(commands[name], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000.0
    written = open(output).read()
    if done.returncode != 0 or "entitled=true\n" not in written or "credit-balance=45\n" not in written:
        sys.exit(f"action-vs-node: {name} failed (exit {done.returncode}): {done.stderr.decode()[-300:]}")
    if key in done.stdout.decode().split("\n", 1)[1] or key in done.stderr.decode() or key in written:
        sys.exit(f"action-vs-node: {name} leaked the key")
    return elapsed

for _ in range(3):
    for name in commands:
        one(name)
times = {name: [] for name in commands}
base_times = {name: [] for name in baseline}
for _ in range(runs):
    for name in commands:
        times[name].append(one(name))
    for name, command in baseline.items():
        base_times[name].append(start_only(command))

def p90(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]

print(f"action-vs-node: {runs} runs each against {url} (GET /api/v1/entitlement, outputs + summary written)")
print(f"{'':14}{'median ms':>10}{'p90 ms':>9}{'min ms':>9}")
for name in commands:
    values = times[name]
    print(f"{name:14}{statistics.median(values):10.2f}{p90(values):9.2f}{min(values):9.2f}")
for name in baseline:
    values = base_times[name]
    print(f"  baseline {name}: median {statistics.median(values):.2f} ms (process start and library loading only)")
action_median = statistics.median(times["rsolv-action"])
node_median = statistics.median(times["node"])
print(f"ratio node/rsolv-action (medians): {node_median / action_median:.1f}x")
if os.environ.get("RSOLV_BENCH_RATIOS"):  # one row for ci/bench/run-all.sh (see lib.sh)
    with open(os.environ["RSOLV_BENCH_RATIOS"], "a") as rows:
        rows.write(f"action-vs-node\tcheck wall time, node / rsolv-action ({action_median:.1f} ms)\t"
                   f"{node_median / action_median:.1f}x\trsolv-action < 20 ms\n")
node_version = subprocess.run([node, "--version"], stdout=subprocess.PIPE).stdout.decode().strip()
print(f"node {node_version}; goal rsolv-action median < 20 ms: {'met' if action_median < 20 else 'NOT met'}")
sys.exit(0 if action_median < 20 else 1)
PY
