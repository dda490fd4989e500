#!/usr/bin/env python3
"""Runs what users copy, as a runner would: every template (ci/templates/) and workflow
(ci/workflows/) through workflow_runner.py, in a scratch folder playing the user's repository,
with the setup action's download pointed at the local release (dist/: tarball + SHA256SUMS) and
the services on loopback played by rsolv-sandbox from that same tarball. Each must end as its
comments say. Also the setup action itself: cache hit, a tampered tarball, a foreign runner.
Usage: templates_test.py SOURCE_DIR DIST_DIR"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import workflow_runner  # noqa: E402

SOURCE = pathlib.Path(sys.argv[1]).resolve()
DIST = pathlib.Path(sys.argv[2]).resolve()
WORK = pathlib.Path(tempfile.mkdtemp(prefix="templates-test-"))
SECRET = "whsec_templates_test_secret"
PORT = 4000  # the templates' service address; ctest holds a resource lock on it
failures = []
servers = []


def check(description, condition, detail=""):
    print(("ok    " if condition else "FAIL  ") + description + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(description)


# --- the release as GitHub would serve it: <base>/v<version>/<file> ----------------------------------
tarball = next(DIST.glob("rsolv-harness-*-linux-x86_64.tar.gz"))
version = re.match(r"rsolv-harness-(.+)-linux-x86_64\.tar\.gz", tarball.name).group(1)
releases = WORK / "releases"
(releases / f"v{version}").mkdir(parents=True)
for name in (tarball.name, "SHA256SUMS"):
    shutil.copy(DIST / name, releases / f"v{version}" / name)
base_url = releases.as_uri()
unpacked = WORK / "unpacked"
unpacked.mkdir()
subprocess.run(["tar", "-xzf", str(tarball), "-C", str(unpacked), "--strip-components=1"], check=True)
BIN = unpacked / "bin"


def seeded_db(name):
    """A database seeded with the nine customer states; returns (path, keys by state)."""
    folder = WORK / f"seed-{name}"
    folder.mkdir()
    subprocess.run([BIN / "rsolv-sandbox", "seed", "--db", folder / "db", "--out", folder / "keys.json"],
                   check=True, stdout=subprocess.DEVNULL)
    keys = {c["state"]: c["api_key"] for c in json.loads((folder / "keys.json").read_text())["customers"]}
    return folder / "db", keys


def start_sandbox(name, port, *flags):
    """A seeded rsolv-sandbox from the release; returns (url, keys by state)."""
    db, keys = seeded_db(name)
    log = db.parent / "serve.log"
    process = subprocess.Popen([BIN / "rsolv-sandbox", "serve", "--listen", f"127.0.0.1:{port}", "--db", db,
                                "--webhook-secret", SECRET, *flags], stdout=open(log, "w"), stderr=subprocess.STDOUT)
    servers.append(process)
    for _ in range(200):
        match = re.search(r"http://127\.0\.0\.1:\d+", log.read_text())
        if match:
            return match.group(0), keys
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"rsolv-sandbox {name} did not start: {log.read_text()}")


def workspace(name, files):
    folder = WORK / f"repo-{name}"
    folder.mkdir()
    for relative, (text, mode) in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
    return folder


def run(workflow, folder, event_name="workflow_dispatch", event=None, variables=None, secrets=None,
        action_inputs=None, jobs=None):
    runner = workflow_runner.Runner(
        SOURCE / workflow, folder, event_name, event or {}, variables or {}, secrets or {}, {},
        str(BIN / "rsolv-action"), {"setup": {"base-url": base_url, "version": version}, "action": action_inputs or {}},
        step_timeout=300, quiet=False)
    try:
        results = runner.run(jobs)
        return results, runner
    finally:
        runner.cleanup()


def step_outcomes(runner, job):
    return dict(runner.jobs[job].log) if job in runner.jobs else {}


# The user's service under test, started by their own script as the templates expect: here the
# release's rsolv-sandbox serving a database the test seeded (so the secrets are known up front).
START_SCRIPT = r"""#!/usr/bin/env bash
# The user's test server: rsolv-sandbox on the given address, in the background.
set -euo pipefail
listen=127.0.0.1:4000 extra=()
while (($#)); do
  case "$1" in
    --listen) listen=$2; shift 2 ;;
    --access-log) extra+=(--access-log "$2"); shift 2 ;;
    *) echo "start-test-server: unknown option $1" >&2; exit 2 ;;
  esac
done
rsolv-sandbox serve --listen "$listen" --db "{db}" --webhook-secret "{secret}" \
  --rate-limit-api 200/3600 --rate-limit-onboard 30/3600 "${extra[@]}" >"$RUNNER_TEMP/server.log" 2>&1 &
for _ in $(seq 1 100); do
  curl -fsS "http://$listen/api/health" >/dev/null 2>&1 && exit 0
  sleep 0.05
done
echo "start-test-server: the server did not answer" >&2
cat "$RUNNER_TEMP/server.log" >&2
exit 1
"""


def start_script(db):
    # The user's script knows its own database and secret.
    return START_SCRIPT.replace("{db}", str(db)).replace("{secret}", SECRET)


try:
    # --- the setup action on its own ----------------------------------------------------------------
    def setup(cache, **env):
        folder = WORK / f"setup-{len(list(WORK.glob('setup-*')))}"
        folder.mkdir()
        environment = {"PATH": os.environ["PATH"], "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "RUNNER_TEMP": str(folder),
                       "RUNNER_TOOL_CACHE": str(cache), "GITHUB_PATH": str(folder / "path"),
                       "GITHUB_OUTPUT": str(folder / "output"), "RSOLV_SETUP_VERSION": version,
                       "RSOLV_SETUP_BASE_URL": base_url, **env}
        done = subprocess.run([SOURCE / "setup" / "install.sh"], env=environment, capture_output=True, text=True, timeout=120)
        outputs = workflow_runner.read_key_values(folder / "output")
        return done, outputs, (folder / "path").read_text() if (folder / "path").exists() else ""

    cache = WORK / "tool-cache"
    done, outputs, path = setup(cache)
    check("setup: installs the release into the tool cache and puts bin/ on PATH",
          done.returncode == 0 and path.strip().endswith(f"rsolv-harness/{version}/x64/bin")
          and outputs.get("cache-hit") == "false" and (cache / "rsolv-harness" / version / "x64.complete").exists(),
          done.stdout + done.stderr)
    done, outputs, _ = setup(cache, RSOLV_SETUP_BASE_URL="file:///nonexistent")
    check("setup: a second run on the runner uses the cache and downloads nothing",
          done.returncode == 0 and outputs.get("cache-hit") == "true", done.stdout + done.stderr)
    tampered = WORK / "tampered" / f"v{version}"
    tampered.mkdir(parents=True)
    shutil.copy(releases / f"v{version}" / "SHA256SUMS", tampered / "SHA256SUMS")
    data = bytearray((releases / f"v{version}" / tarball.name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tampered / tarball.name).write_bytes(bytes(data))
    done, _, path = setup(WORK / "cache-2", RSOLV_SETUP_BASE_URL=(WORK / "tampered").as_uri())
    check("setup: a tarball that does not match SHA256SUMS is refused and nothing lands on PATH",
          done.returncode == 1 and "does not match SHA256SUMS" in done.stdout and not path, done.stdout + done.stderr)
    done, _, _ = setup(WORK / "cache-3", RUNNER_OS="macOS", RUNNER_ARCH="ARM64")
    check("setup: a macOS runner gets one clear error", done.returncode == 1 and
          "::error title=rsolv-harness setup::releases are built for Linux x64 only; this runner is macOS ARM64" in done.stdout,
          done.stdout)
    old_glibc = WORK / "ubuntu-22.04"  # what `getconf` says on a runner with glibc 2.35
    old_glibc.mkdir()
    (old_glibc / "getconf").write_text("#!/bin/sh\necho 'glibc 2.35'\n")
    (old_glibc / "getconf").chmod(0o755)
    done, _, path = setup(WORK / "cache-5", PATH=f"{old_glibc}:{os.environ['PATH']}")
    check("setup: a runner with glibc 2.35 is told what it needs, before any download",
          done.returncode == 1 and "need glibc 2.36 or newer; this runner has 2.35" in done.stdout and not path, done.stdout)
    done, _, _ = setup(WORK / "cache-4", RSOLV_SETUP_VERSION="1.x")
    check("setup: a malformed version is refused", done.returncode == 1 and "is not X.Y.Z" in done.stdout, done.stdout)

    # --- ci/templates/load-test-staging.yml -------------------------------------------------------------
    staging_url, staging_keys = start_sandbox("staging", 0, "--rate-limit-onboard", "1000000/3600")
    scenario = (unpacked / "share/doc/rsolv-harness/examples/loadgen/signup.yaml").read_text()
    # The user's adjusted copy: a short ramp for a smoke test.
    scenario = scenario.replace("SIGNUP_RAMP:-10s", "SIGNUP_RAMP:-1s").replace("SIGNUP_HOLD:-30s", "SIGNUP_HOLD:-3s") \
                       .replace("SIGNUP_VUS:-20", "SIGNUP_VUS:-5")
    repo = workspace("load", {"loadtests/signup.yaml": (scenario, 0o644)})
    results, runner = run("ci/templates/load-test-staging.yml", repo, "schedule",
                          variables={"STAGING_URL": staging_url},
                          secrets={"STAGING_LOADTEST_API_KEY": staging_keys["payg"], "STAGING_WEBHOOK_SECRET": SECRET})
    check("load-test-staging: the job passes (thresholds met)", results == {"load": "success"}, results)
    check("load-test-staging: summary, JUnit and HTML reports written",
          all((repo / "reports" / f).stat().st_size > 0 for f in ("summary.json", "loadtest.xml", "loadtest.html")))
    summary = json.loads((repo / "reports/summary.json").read_text())
    check("load-test-staging: the summary counts requests", summary.get("metrics", {}).get("http_reqs", {}).get("values", {}).get("count", 0) > 0,
          list(summary.get("metrics", {}))[:5])
    check("load-test-staging: the reports are uploaded", any("reports/" in p for _, paths in runner.artifacts for p in paths),
          runner.artifacts)

    # --- ci/templates/security-pull-request.yml -------------------------------------------------------
    db, keys = seeded_db("security")
    repo = workspace("security", {"scripts/start-test-server.sh": (start_script(db), 0o755),
                                  "security/target.yaml": ((unpacked / "share/doc/rsolv-harness/examples/targets/sandbox.yaml").read_text(), 0o644)})
    results, runner = run("ci/templates/security-pull-request.yml", repo, "pull_request",
                          secrets={"TEST_API_KEY": keys["payg"], "TEST_API_KEY_2": keys["pro_active"],
                                   "TEST_WEBHOOK_SECRET": SECRET})
    check("security-pull-request: the suites find nothing on a correct service (job passes)",
          results == {"security": "success"}, (results, step_outcomes(runner, "security")))
    check("security-pull-request: a valid SARIF report goes to code scanning",
          any(name == "sarif" and paths for name, paths in runner.artifacts), runner.artifacts)
    check("security-pull-request: JUnit and JSON reports written",
          (repo / "reports/security.xml").exists() and (repo / "reports/security.json").exists())

    # --- ci/templates/webhook-flows-smoke.yml ---------------------------------------------------------
    db, _ = seeded_db("webhooks")
    repo = workspace("webhooks", {"scripts/start-test-server.sh": (start_script(db), 0o755)})
    results, runner = run("ci/templates/webhook-flows-smoke.yml", repo, "pull_request",
                          secrets={"TEST_WEBHOOK_SECRET": SECRET})
    check("webhook-flows-smoke: every lifecycle and fault step passes against a correct endpoint",
          results == {"flows": "success"}, (results, step_outcomes(runner, "flows")))
    reports = sorted(p.name for p in (repo / "reports").glob("*.json")) if (repo / "reports").exists() else []
    check("webhook-flows-smoke: a delivery report per lifecycle", len(reports) == 6, reports)

    # --- ci/workflows/rsolv-billing-guard.yml ---------------------------------------------------------
    api_url, guard_keys = start_sandbox("guard", 0)
    action = {"api-url": api_url}
    repo = workspace("guard", {"README.md": ("the repository RSOLV fixes\n", 0o644)})
    results, runner = run("ci/workflows/rsolv-billing-guard.yml", repo, "workflow_dispatch",
                          secrets={"RSOLV_API_KEY": guard_keys["trial_with_billing"]}, action_inputs=action)
    outcomes = step_outcomes(runner, "fix")
    check("billing-guard: an entitled account runs RSOLV (fix passes, bill skipped)",
          results == {"fix": "success", "bill": "skipped"} and outcomes.get("RSOLV") == "success"
          and "RSOLV-dev/rsolv-action@v3" in runner.external, (results, outcomes))
    results, runner = run("ci/workflows/rsolv-billing-guard.yml", repo, "workflow_dispatch",
                          secrets={"RSOLV_API_KEY": guard_keys["trial_expired"]}, action_inputs=action)
    outcomes = step_outcomes(runner, "fix")
    check("billing-guard: an account that may not spend skips RSOLV and fails the job",
          results["fix"] == "failure" and outcomes.get("RSOLV") == "skipped" and not runner.external, (results, outcomes))
    merged = {"action": "closed", "pull_request": {"number": 17, "merged": True, "head": {"ref": "rsolv/fix-sqli-17", "sha": "ab" * 20},
                                                  "merge_commit_sha": "cd" * 20},
              "repository": {"full_name": "octo-org/octo-repo"}}
    event_file = WORK / "merged.json"
    event_file.write_text(json.dumps(merged))
    results, runner = run("ci/workflows/rsolv-billing-guard.yml", repo, "pull_request", merged,
                          secrets={"RSOLV_API_KEY": guard_keys["pro_active"]}, action_inputs=action)
    report = runner.jobs["bill"].steps.get("report", {}).get("outputs", {}) if "bill" in runner.jobs else {}
    check("billing-guard: a merged RSOLV PR is billed once (a credit)",
          results == {"fix": "skipped", "bill": "success"} and report.get("outcome") == "credit_consumed", (results, report))
    results, runner = run("ci/workflows/rsolv-billing-guard.yml", repo, "pull_request", merged,
                          secrets={"RSOLV_API_KEY": guard_keys["pro_active"]}, action_inputs=action)
    report = runner.jobs["bill"].steps.get("report", {}).get("outputs", {}) if "bill" in runner.jobs else {}
    check("billing-guard: a re-run of the same PR bills nothing (already_billed)",
          results["bill"] == "success" and report.get("outcome") == "already_billed", (results, report))
    unmerged = json.loads(json.dumps(merged))
    unmerged["pull_request"]["merged"] = False
    results, _ = run("ci/workflows/rsolv-billing-guard.yml", repo, "pull_request", unmerged,
                     secrets={"RSOLV_API_KEY": guard_keys["pro_active"]}, action_inputs=action)
    check("billing-guard: a PR closed without merging is never billed", results == {"fix": "skipped", "bill": "skipped"}, results)
    other = json.loads(json.dumps(merged))
    other["pull_request"]["head"]["ref"] = "feature/login"
    results, _ = run("ci/workflows/rsolv-billing-guard.yml", repo, "pull_request", other,
                     secrets={"RSOLV_API_KEY": guard_keys["pro_active"]}, action_inputs=action)
    check("billing-guard: a merged PR that RSOLV did not open is not billed", results["bill"] == "skipped", results)

    # Everything a user copies was run above.
    covered = {"ci/templates/load-test-staging.yml", "ci/templates/security-pull-request.yml",
               "ci/templates/webhook-flows-smoke.yml", "ci/workflows/rsolv-billing-guard.yml"}
    present = {str(p.relative_to(SOURCE)) for p in [*SOURCE.glob("ci/templates/*.yml"), *SOURCE.glob("ci/workflows/*.yml")]}
    check("every template and workflow in ci/ is run by this test", present <= covered, sorted(present - covered))
finally:
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
    shutil.rmtree(WORK, ignore_errors=True)

print(f"templates_test: {len(failures)} failed" if failures else "templates_test: every template and workflow ends as its comments say")
sys.exit(1 if failures else 0)
