#!/usr/bin/env python3
"""Checks every workflow users copy or CI runs: valid YAML with triggers and jobs, every step runs
or uses something, actions pinned to a version, and every rsolv-* command line uses a subcommand and
flags that the built tool really has (its `SUB --help`), so templates cannot drift from the tools.
Usage: workflows_test.py SOURCE_DIR BIN_DIR"""
import pathlib
import re
import shlex
import subprocess
import sys

import yaml

source, bin_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
files = sorted([*source.glob(".github/workflows/*.yml"), *source.glob("ci/templates/*.yml"),
                *source.glob("ci/workflows/*.yml")])
problems = []
help_cache = {}


def tool_help(tool, sub):
    key = (tool, sub)
    if key not in help_cache:
        args = [str(bin_dir / tool)] + ([sub] if sub else []) + ["--help"]
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
        help_cache[key] = done.stdout + done.stderr if done.returncode == 0 else None
    return help_cache[key]


def check_command_lines(where, script):
    script = script.replace("\\\n", " ")
    variables = dict(re.findall(r"^\s*(\w+)=(\S*rsolv-[a-z-]+)\s*$", script, re.M))
    for line in script.splitlines():
        for name, value in variables.items():
            line = line.replace("$" + name, value)
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError:
            continue
        for i, token in enumerate(tokens):
            match = re.search(r"(?:^|/)(rsolv-(?:loadgen|webhook-sim|security|sandbox|action))$", token)
            # A command position: first word, after a separator, or after VAR=value assignments.
            starts_command = i == 0 or tokens[i - 1] in ("&&", "||", "|", ";", "then", "do", "time", "exec", "!") \
                or re.match(r"^\w+=", tokens[i - 1])
            if not match or not starts_command:
                continue
            tool = match.group(1)
            if not (bin_dir / tool).exists():
                problems.append(f"{where}: {tool} is not built in {bin_dir}")
                continue
            rest = tokens[i + 1:]
            rest = rest[:next((k for k, t in enumerate(rest) if t in ("|", "&&", "||", ";", ">", "&")), len(rest))]
            sub = rest[0] if rest and not rest[0].startswith("-") else ""
            top = tool_help(tool, "") or ""
            text = tool_help(tool, sub)
            if sub and not re.search(r"^\s+" + re.escape(sub) + r"(?![\w-])", top, re.M):
                text = None  # --help after an unknown word still prints the top-level help
            if text is None:
                problems.append(f"{where}: `{tool} {sub}` is not a command of {tool}")
                continue
            for flag in (t.split("=")[0] for t in rest if t.startswith("--")):
                if not re.search(re.escape(flag) + r"(?![\w-])", text):
                    problems.append(f"{where}: `{tool} {sub}` has no flag {flag}")


for path in files:
    rel = path.relative_to(source)
    try:
        workflow = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        problems.append(f"{rel}: not valid YAML: {error}")
        continue
    # YAML 1.1 reads the key `on` as True.
    if not isinstance(workflow, dict) or not (workflow.get("on") or workflow.get(True)):
        problems.append(f"{rel}: no `on:` triggers")
    jobs = workflow.get("jobs") if isinstance(workflow, dict) else None
    if not jobs:
        problems.append(f"{rel}: no jobs")
        continue
    for job_name, job in jobs.items():
        for index, step in enumerate(job.get("steps", [])):
            where = f"{rel}: jobs.{job_name}.steps[{index}]"
            if ("run" in step) == ("uses" in step):
                problems.append(f"{where}: a step needs exactly one of run/uses")
            if "uses" in step and not step["uses"].startswith("./") and "@" not in step["uses"]:
                problems.append(f"{where}: `{step['uses']}` is not pinned to a version")
            if "run" in step:
                check_command_lines(where, step["run"])

for problem in problems:
    print(problem)
print(f"{len(files)} workflow files checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
