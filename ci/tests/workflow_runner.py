#!/usr/bin/env python3
"""Runs a GitHub Actions workflow file on this machine the way a Linux runner would, for the tests
that execute what users copy (ci/templates/, ci/workflows/).

What it does as the runner does: jobs in `needs` order with their `if:`; steps with `if:` and the
status functions; `${{ }}` expressions (contexts github, env, vars, secrets, inputs, steps,
needs, runner, job; operators and the documented functions, string comparisons ignoring case);
`run:` through `bash --noprofile --norc -eo pipefail`; GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH,
GITHUB_STEP_SUMMARY files; step and job outputs; `continue-on-error`; `timeout-minutes`; processes
a step leaves running are stopped when the job ends.

`uses:` steps run the real thing where it is this repository's: the setup action
(RSOLV-dev/rsolv-harness/setup) runs setup/action.yml's composite steps with its install.sh, and
the billing guard (RSOLV-dev/rsolv-harness) runs rsolv-action with the INPUT_* variables a
container action gets. Others are checked, not run: actions/checkout of the workspace itself,
actions/upload-artifact (the path must exist), github/codeql-action/upload-sarif (a SARIF 2.1.0
file). Any other action is reported as external and skipped, which a test can assert.

Limits: each step runs at most its job's timeout-minutes (default 360) and at most --step-timeout
seconds; the whole run is bounded by the sum.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE.parent.parent


class WorkflowError(Exception):
    """A workflow the runner cannot run as written (a real runner would refuse it too)."""


# --- expressions -------------------------------------------------------------------------------

TOKEN = re.compile(r"""\s*(?:
    (?P<number>-?\d+(?:\.\d+)?)
  | '(?P<string>(?:[^']|'')*)'
  | (?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,*])
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
)""", re.X)


def tokenize(text):
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise WorkflowError(f"cannot read expression at {text[pos:]!r}")
        pos = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        tokens.append((kind, value.replace("''", "'") if kind == "string" else value))
    return tokens


def to_string(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def truthy(value):
    return not (value is None or value is False or value == 0 or value == "" or value != value)


def loose_equal(left, right):
    # GitHub's rules: strings compare ignoring case; mixed types coerce to numbers.
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if type(left) is type(right):
        return left == right
    def number(value):
        if value is None:
            return 0
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return value
        try:
            return float(value) if str(value).strip() else 0
        except ValueError:
            return float("nan")
    return number(left) == number(right)


class Evaluator:
    def __init__(self, contexts, status):
        self.contexts = contexts
        self.status = status  # "success" | "failure" | "cancelled"

    def evaluate(self, text):
        self.tokens = tokenize(text)
        self.pos = 0
        value = self.or_expression()
        if self.pos != len(self.tokens):
            raise WorkflowError(f"unexpected {self.tokens[self.pos][1]!r} in expression {text!r}")
        return value

    def peek(self, value=None):
        if self.pos >= len(self.tokens):
            return None
        token = self.tokens[self.pos]
        return token if value is None or token[1] == value else None

    def take(self, value):
        if not self.peek(value):
            raise WorkflowError(f"expected {value!r} in expression")
        self.pos += 1

    def or_expression(self):
        left = self.and_expression()
        while self.peek("||"):
            self.pos += 1
            right = self.and_expression()
            left = left if truthy(left) else right
        return left

    def and_expression(self):
        left = self.comparison()
        while self.peek("&&"):
            self.pos += 1
            right = self.comparison()
            left = right if truthy(left) else left
        return left

    def comparison(self):
        left = self.unary()
        while self.peek() and self.peek()[1] in ("==", "!=", "<", ">", "<=", ">="):
            op = self.tokens[self.pos][1]
            self.pos += 1
            right = self.unary()
            if op == "==":
                left = loose_equal(left, right)
            elif op == "!=":
                left = not loose_equal(left, right)
            else:
                a, b = float(to_string(left) or 0), float(to_string(right) or 0)
                left = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return left

    def unary(self):
        if self.peek("!"):
            self.pos += 1
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self):
        if self.pos >= len(self.tokens):
            raise WorkflowError("expression ends too early")
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "number":
            return float(value) if "." in value else int(value)
        if kind == "string":
            return value
        if value == "(":
            inner = self.or_expression()
            self.take(")")
            return inner
        if kind == "name":
            lowered = value.lower()
            if lowered in ("true", "false"):
                return lowered == "true"
            if lowered == "null":
                return None
            if self.peek("("):
                return self.call(lowered)
            if lowered not in self.contexts:
                raise WorkflowError(f"unknown context {value!r}")
            return self.contexts[lowered]
        raise WorkflowError(f"unexpected {value!r} in expression")

    def postfix(self, value):
        while True:
            if self.peek("."):
                self.pos += 1
                kind, name = self.tokens[self.pos]
                self.pos += 1
                if name == "*":
                    value = list(value.values()) if isinstance(value, dict) else (value or [])
                else:
                    value = self.member(value, name)
            elif self.peek("["):
                self.pos += 1
                key = self.or_expression()
                self.take("]")
                value = self.member(value, key)
            else:
                return value

    @staticmethod
    def member(value, key):
        if isinstance(value, list) and isinstance(key, str) and not key.isdigit():
            return [Evaluator.member(item, key) for item in value]
        if isinstance(value, list):
            index = int(key)
            return value[index] if 0 <= index < len(value) else None
        if isinstance(value, dict):
            for candidate, item in value.items():
                if str(candidate).lower() == str(key).lower():
                    return item
        return None

    def call(self, name):
        self.take("(")
        args = []
        while not self.peek(")"):
            args.append(self.or_expression())
            if self.peek(","):
                self.pos += 1
        self.take(")")
        if name == "always":
            return True
        if name == "success":
            return self.status == "success"
        if name == "failure":
            return self.status == "failure"
        if name == "cancelled":
            return self.status == "cancelled"
        if name == "startswith":
            return to_string(args[0]).lower().startswith(to_string(args[1]).lower())
        if name == "endswith":
            return to_string(args[0]).lower().endswith(to_string(args[1]).lower())
        if name == "contains":
            if isinstance(args[0], list):
                return any(loose_equal(item, args[1]) for item in args[0])
            return to_string(args[1]).lower() in to_string(args[0]).lower()
        if name == "format":
            text = to_string(args[0])
            for index, arg in enumerate(args[1:]):
                text = text.replace("{%d}" % index, to_string(arg))
            return text
        if name == "join":
            separator = to_string(args[1]) if len(args) > 1 else ","
            return separator.join(to_string(item) for item in (args[0] if isinstance(args[0], list) else [args[0]]))
        if name == "tojson":
            return json.dumps(args[0], indent=2)
        if name == "fromjson":
            return json.loads(to_string(args[0]))
        if name == "hashfiles":
            return ""
        raise WorkflowError(f"unknown function {name}()")


EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def interpolate(text, evaluator):
    if not isinstance(text, str):
        return text
    return EXPRESSION.sub(lambda match: to_string(evaluator.evaluate(match.group(1))), text)


def condition(text, evaluator):
    """An `if:` value: an expression with or without ${{ }}; without a status function, success() is implied."""
    if text is None:
        return evaluator.status == "success"
    if isinstance(text, bool):
        return text and evaluator.status == "success"
    text = str(text).strip()
    whole = re.fullmatch(r"\$\{\{(.*)\}\}", text, re.S)
    expression = whole.group(1) if whole else text
    if not re.search(r"\b(always|success|failure|cancelled)\s*\(", expression):
        expression = f"success() && ({expression})"
    return truthy(evaluator.evaluate(expression))


# --- files the runner hands to steps ---------------------------------------------------------------

def read_key_values(path):
    """GITHUB_OUTPUT / GITHUB_ENV syntax: name=value lines and name<<DELIMITER blocks."""
    values = {}
    if not path.exists():
        return values
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            while index < len(lines) and lines[index] != delimiter:
                block.append(lines[index])
                index += 1
            index += 1
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


# --- running ------------------------------------------------------------------------------------

class Job:
    def __init__(self, runner, name, spec):
        self.runner = runner
        self.name = name
        self.spec = spec
        self.steps = {}
        self.status = "success"
        self.env = dict(runner.workflow_env)
        self.path = []
        self.process_groups = []
        self.summary = ""
        self.log = []  # (step name, outcome)
        self.outputs = {}

    def contexts(self, extra_env=None, inputs=None):
        env = {**self.env, **(extra_env or {})}
        return {
            "github": self.runner.github,
            "env": env,
            "vars": self.runner.variables,
            "secrets": self.runner.secrets,
            "inputs": inputs if inputs is not None else self.runner.inputs,
            "steps": self.steps,
            "needs": self.runner.needs_context(self.spec),
            "runner": self.runner.runner_context,
            "job": {"status": self.status},
            "matrix": {},
            "strategy": {},
        }

    def evaluator(self, extra_env=None, inputs=None):
        return Evaluator(self.contexts(extra_env, inputs), self.status)

    def base_environment(self, step_env):
        environment = dict(self.runner.host_env)
        environment.update(self.runner.github_env)
        environment.update(self.env)
        environment.update(step_env)
        if self.path:
            environment["PATH"] = os.pathsep.join(reversed(self.path)) + os.pathsep + environment["PATH"]
        return environment

    def run_script(self, label, script, environment, working_directory, timeout):
        files = self.runner.command_files(label)
        environment = {**environment, "GITHUB_OUTPUT": str(files["output"]), "GITHUB_ENV": str(files["env"]),
                       "GITHUB_PATH": str(files["path"]), "GITHUB_STEP_SUMMARY": str(files["summary"])}
        script_file = files["output"].with_suffix(".sh")
        script_file.write_text(script)
        log_file = files["output"].with_suffix(".log")
        with open(log_file, "w") as log:
            process = subprocess.Popen(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
                                       cwd=working_directory, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
            self.process_groups.append(process.pid)
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                code = None
        output = log_file.read_text()
        self.runner.echo(output)
        self.collect(files)
        return code, output

    def collect(self, files):
        self.env.update(read_key_values(files["env"]))
        if files["path"].exists():
            self.path += [line for line in files["path"].read_text().splitlines() if line.strip()]
        if files["summary"].exists():
            self.summary += files["summary"].read_text()
        return read_key_values(files["output"])

    def stop_processes(self):
        for group in self.process_groups:
            try:
                os.killpg(group, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        for group in self.process_groups:
            while time.monotonic() < deadline:
                try:
                    os.killpg(group, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            else:
                try:
                    os.killpg(group, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def timeout(self):
        minutes = self.spec.get("timeout-minutes", 360)
        return min(float(minutes) * 60, self.runner.step_timeout)

    def run(self):
        self.runner.echo(f"::: job {self.name}")
        job_env = self.spec.get("env") or {}
        for key, value in job_env.items():
            self.env[key] = to_string(interpolate(value, self.evaluator()))
        try:
            for index, step in enumerate(self.spec.get("steps", [])):
                self.run_step(index, step)
        finally:
            self.stop_processes()
        for key, value in (self.spec.get("outputs") or {}).items():
            self.outputs[key] = to_string(interpolate(value, self.evaluator()))
        return self.status

    def run_step(self, index, step):
        label = step.get("id") or f"step{index}"
        name = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
        step_env_spec = step.get("env") or {}
        record = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
        if step.get("id"):
            self.steps[step["id"]] = record
        if not condition(step.get("if"), self.evaluator()):
            self.log.append((name, "skipped"))
            self.runner.echo(f"--- {name}: skipped (if: {step.get('if', 'success()')})")
            return
        step_env = {key: to_string(interpolate(value, self.evaluator(step_env_spec))) for key, value in step_env_spec.items()}
        self.runner.echo(f"--- {name}")
        if "run" in step:
            script = interpolate(step["run"], self.evaluator(step_env))
            directory = self.runner.workspace / interpolate(step.get("working-directory", "."), self.evaluator(step_env))
            code, _ = self.run_script(label, script, self.base_environment(step_env), directory, self.timeout())
            outputs = read_key_values(self.runner.command_files(label)["output"])
            ok = code == 0
            outcome_detail = "timed out" if code is None else f"exit {code}"
        else:
            ok, outputs, outcome_detail = self.run_action(label, step, step_env)
        record["outputs"] = outputs
        record["outcome"] = "success" if ok else "failure"
        continue_on_error = truthy(interpolate(step.get("continue-on-error", False), self.evaluator(step_env)))
        record["conclusion"] = "success" if ok or continue_on_error else "failure"
        self.log.append((name, record["outcome"] + ("" if ok else f" ({outcome_detail})")))
        self.runner.echo(f"--- {name}: {record['outcome']} ({outcome_detail})")
        if not ok and not continue_on_error:
            self.status = "failure"

    def run_action(self, label, step, step_env):
        uses = step["uses"]
        evaluator = self.evaluator(step_env)
        with_values = {key: to_string(interpolate(value, evaluator)) for key, value in (step.get("with") or {}).items()}
        action, _, ref = uses.partition("@")
        if not ref:
            raise WorkflowError(f"`{uses}` is not pinned to a ref")
        if action == "actions/checkout":
            if "repository" in with_values:
                raise WorkflowError(f"{uses} of another repository ({with_values['repository']}) is not supported here")
            return True, {}, "the workspace is the checkout"
        if action == "RSOLV-dev/rsolv-harness/setup":
            return self.run_composite(label, SOURCE / "setup", with_values, step_env)
        if action == "RSOLV-dev/rsolv-harness":
            return self.run_container_action(label, with_values, step_env)
        if action == "actions/upload-artifact":
            paths = [p for p in with_values.get("path", "").splitlines() if p.strip()]
            found = [p for p in paths if list(self.runner.workspace.glob(p.strip().rstrip("/")))]
            self.runner.artifacts.append((with_values.get("name", "artifact"), found))
            missing_fails = with_values.get("if-no-files-found", "warn") == "error"
            ok = bool(found) or not missing_fails
            return ok, {}, f"uploaded {found}" if found else f"no files at {paths}"
        if action == "github/codeql-action/upload-sarif":
            sarif = self.runner.workspace / with_values.get("sarif_file", "")
            try:
                document = json.loads(sarif.read_text())
                ok = document.get("version") == "2.1.0" and isinstance(document.get("runs"), list)
            except (OSError, ValueError):
                ok = False
            self.runner.artifacts.append(("sarif", [str(sarif)] if ok else []))
            return ok, {}, f"SARIF {sarif.name} {'valid' if ok else 'missing or invalid'}"
        self.runner.external.append(uses)
        return True, {}, "external action, not run here"

    def run_composite(self, label, folder, with_values, step_env):
        definition = yaml.safe_load((folder / "action.yml").read_text())
        inputs = {}
        for key, spec in (definition.get("inputs") or {}).items():
            default = (spec or {}).get("default", "")
            inputs[key] = with_values.get(key, to_string(interpolate(default, self.evaluator(step_env))))
        for key, value in self.runner.action_overrides.get("setup", {}).items():
            inputs[key] = value
        unknown = set(with_values) - set(inputs)
        if unknown:
            raise WorkflowError(f"{folder.name}/action.yml has no input {sorted(unknown)}")
        inner_steps = {}
        ok = True
        detail = "composite"
        for index, inner in enumerate(definition["runs"]["steps"]):
            contexts_env = {**step_env}
            inner_eval = Evaluator({**self.contexts(contexts_env, inputs), "steps": inner_steps}, self.status)
            inner_env = {key: to_string(interpolate(value, inner_eval)) for key, value in (inner.get("env") or {}).items()}
            environment = self.base_environment({**step_env, **inner_env, "GITHUB_ACTION_PATH": str(folder)})
            script = interpolate(inner["run"], inner_eval)
            code, _ = self.run_script(f"{label}-{index}", script, environment, self.runner.workspace, self.timeout())
            outputs = read_key_values(self.runner.command_files(f"{label}-{index}")["output"])
            if inner.get("id"):
                inner_steps[inner["id"]] = {"outputs": outputs, "outcome": "success" if code == 0 else "failure"}
            if code != 0:
                ok, detail = False, f"composite step {index} exit {code}"
                break
        outer_eval = Evaluator({**self.contexts(step_env, inputs), "steps": inner_steps}, self.status)
        outputs = {key: to_string(interpolate(spec.get("value", ""), outer_eval))
                   for key, spec in (definition.get("outputs") or {}).items()}
        return ok, outputs, detail

    def run_container_action(self, label, with_values, step_env):
        definition = yaml.safe_load((SOURCE / "action.yml").read_text())
        environment = self.base_environment(step_env)
        unknown = set(with_values) - set(definition.get("inputs") or {})
        if unknown:
            raise WorkflowError(f"action.yml has no input {sorted(unknown)}")
        inputs = {key: with_values.get(key, to_string((spec or {}).get("default", "")))
                  for key, spec in (definition.get("inputs") or {}).items()}
        inputs.update(self.runner.action_overrides.get("action", {}))
        # Tests run on loopback only: never let the action reach its production default.
        host = re.sub(r"^[a-z]+://([^/:]+|\[[^\]]+\]).*$", r"\1", inputs.get("api-url", ""))
        if not (host.startswith("127.") or host in ("localhost", "[::1]")):
            raise WorkflowError(f"the action would call {inputs.get('api-url')!r}: give a loopback api-url override")
        for key, value in inputs.items():
            # The runner upper-cases the name and keeps hyphens: INPUT_API-KEY.
            environment["INPUT_" + key.replace(" ", "_").upper()] = value
        binary = self.runner.action_binary
        code, _ = self.run_script(label, f'exec "{binary}"\n', environment, self.runner.workspace, self.timeout())
        outputs = read_key_values(self.runner.command_files(label)["output"])
        return code == 0, outputs, f"rsolv-action exit {code}"


class Runner:
    def __init__(self, workflow_path, workspace, event_name, event, variables, secrets, inputs, action_binary,
                 action_overrides, step_timeout, quiet):
        self.workflow = yaml.safe_load(pathlib.Path(workflow_path).read_text())
        self.workspace = pathlib.Path(workspace).resolve()
        self.variables = variables
        self.secrets = secrets
        self.inputs = inputs
        self.action_binary = action_binary
        self.action_overrides = action_overrides
        self.step_timeout = step_timeout
        self.quiet = quiet
        self.external = []
        self.artifacts = []
        self.jobs = {}
        self.temp = pathlib.Path(tempfile.mkdtemp(prefix="runner-", dir=self.workspace.parent))
        (self.temp / "event.json").write_text(json.dumps(event))
        (self.temp / "tool-cache").mkdir(exist_ok=True)
        (self.temp / "files").mkdir(exist_ok=True)
        self.workflow_env = {key: to_string(value) for key, value in (self.workflow.get("env") or {}).items()}
        repository = os.environ.get("GITHUB_REPOSITORY", "octo-org/octo-repo")
        self.github = {
            "event_name": event_name, "event": event, "repository": repository,
            "repository_owner": repository.split("/")[0], "workspace": str(self.workspace),
            "sha": event.get("after") or "0123456789abcdef0123456789abcdef01234567",
            "ref": "refs/heads/main", "ref_name": "main", "run_id": "4242", "run_number": "7", "run_attempt": "1",
            "actor": "octocat", "server_url": "https://github.com", "api_url": "https://api.github.com",
            "token": "ghs_not_a_real_token", "workflow": self.workflow.get("name", ""),
            "action_ref": "v1",
        }
        self.runner_context = {"os": "Linux", "arch": "X64", "temp": str(self.temp / "runner-temp"),
                               "tool_cache": str(self.temp / "tool-cache"), "name": "local"}
        pathlib.Path(self.runner_context["temp"]).mkdir(exist_ok=True)
        self.github_env = {
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(self.temp / "event.json"),
            "GITHUB_REPOSITORY": repository, "GITHUB_SHA": self.github["sha"], "GITHUB_REF": self.github["ref"],
            "GITHUB_RUN_ID": "4242", "GITHUB_RUN_NUMBER": "7", "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_ACTOR": "octocat", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_API_URL": "https://api.github.com",
            "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "RUNNER_TEMP": self.runner_context["temp"],
            "RUNNER_TOOL_CACHE": self.runner_context["tool_cache"], "HOME": str(self.temp / "home"),
        }
        (self.temp / "home").mkdir(exist_ok=True)
        keep = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR")
        self.host_env = {key: os.environ[key] for key in keep if key in os.environ}
        self.counter = 0

    def echo(self, text):
        if not self.quiet and text:
            print(text, end="" if text.endswith("\n") else "\n", flush=True)

    def command_files(self, label):
        folder = self.temp / "files" / label
        folder.mkdir(parents=True, exist_ok=True)
        return {name: folder / name for name in ("output", "env", "path", "summary")}

    def needs_context(self, spec):
        needs = spec.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        return {name: {"result": self.jobs[name].status if name in self.jobs else "skipped",
                       "outputs": self.jobs[name].outputs if name in self.jobs else {}} for name in needs}

    def run(self, only_jobs=None):
        results = {}
        pending = dict(self.workflow.get("jobs") or {})
        while pending:
            ready = [name for name, spec in pending.items()
                     if all(need in results for need in ([spec.get("needs")] if isinstance(spec.get("needs"), str)
                                                         else spec.get("needs") or []))]
            if not ready:
                raise WorkflowError(f"jobs {sorted(pending)} wait on each other")
            for name in ready:
                spec = pending.pop(name)
                job = Job(self, name, spec)
                needs_ok = all(results[need] == "success" for need in job.runner.needs_context(spec))
                job.status = "success" if needs_ok else "failure"
                selected = only_jobs is None or name in only_jobs
                if not selected or not condition(spec.get("if"), job.evaluator()):
                    results[name] = "skipped"
                    self.echo(f"::: job {name}: skipped")
                    continue
                job.status = "success"
                results[name] = job.run()
                self.jobs[name] = job
                self.echo(f"::: job {name}: {results[name]}")
        return results

    def cleanup(self):
        shutil.rmtree(self.temp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workflow")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--event-name", default="workflow_dispatch")
    parser.add_argument("--event", help="JSON file: the event payload")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--secret", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--input", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--setup-input", action="append", default=[], metavar="NAME=VALUE",
                        help="override an input of the setup action (e.g. base-url=file:///releases)")
    parser.add_argument("--action-input", action="append", default=[], metavar="NAME=VALUE",
                        help="override an input of the billing guard (api-url must be loopback)")
    parser.add_argument("--action-binary", default="rsolv-action")
    parser.add_argument("--job", action="append")
    parser.add_argument("--step-timeout", type=float, default=600)
    parser.add_argument("--json", help="write the jobs' results, step outcomes and external actions here")
    args = parser.parse_args()
    pairs = lambda items: dict(item.split("=", 1) for item in items)
    event = json.loads(pathlib.Path(args.event).read_text()) if args.event else {}
    runner = Runner(args.workflow, args.workspace, args.event_name, event, pairs(args.var), pairs(args.secret),
                    pairs(args.input), args.action_binary, {"setup": pairs(args.setup_input), "action": pairs(args.action_input)}, args.step_timeout, False)
    try:
        results = runner.run(set(args.job) if args.job else None)
    except WorkflowError as error:
        print(f"workflow_runner: {args.workflow}: {error}", file=sys.stderr)
        runner.cleanup()
        return 2
    report = {"jobs": results, "steps": {name: job.log for name, job in runner.jobs.items()},
              "outputs": {name: job.steps for name, job in runner.jobs.items()},
              "summaries": {name: job.summary for name, job in runner.jobs.items()},
              "external": runner.external, "artifacts": runner.artifacts}
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(report, indent=2))
    runner.cleanup()
    print("workflow_runner: " + ", ".join(f"{name} {result}" for name, result in results.items()))
    return 0 if all(result in ("success", "skipped") for result in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
