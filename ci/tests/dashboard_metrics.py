#!/usr/bin/env python3
"""Every metric a Grafana dashboard query names must be one the tools export.
Usage: dashboard_metrics.py DASHBOARD.json EXPOSITION.txt...   (Prometheus text from the live tools)
Prints each metric the dashboard uses and where it comes from; exits 1 naming any that no tool exports."""
import json
import re
import sys

PROMQL_WORDS = {
    "sum", "rate", "irate", "increase", "histogram_quantile", "clamp_min", "clamp_max", "by", "without",
    "avg", "max", "min", "count", "le", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
    "topk", "bottomk", "abs", "delta", "deriv", "offset", "bool", "label_replace", "vector", "scalar",
    "sum_over_time", "avg_over_time", "max_over_time", "min_over_time", "time", "absent", "round",
}


def metric_names(expr):
    expr = re.sub(r"\{[^}]*\}", "", expr)            # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)            # range selectors
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)  # grouping labels
    expr = re.sub(r'"[^"]*"', "", expr)
    names = set()
    for token in re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        if token not in PROMQL_WORDS and not re.fullmatch(r"\d+", token):
            names.add(token)
    return names


def exported(exposition_files):
    """Sample names, plus histogram families' _bucket/_sum/_count, from # TYPE lines and samples."""
    names = {}
    for path in exposition_files:
        for line in open(path):
            match = re.match(r"# TYPE (\S+) (\S+)", line)
            if match:
                name, kind = match.groups()
                suffixes = ["_bucket", "_sum", "_count"] if kind == "histogram" else [""]
                if kind == "counter" and not name.endswith("_total"):
                    suffixes.append("_total")
                for suffix in suffixes:
                    names.setdefault(name + suffix, path)
            elif line and not line.startswith("#"):
                sample = re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line)
                if sample:
                    names.setdefault(sample.group(0), path)
    return names


dashboard = json.load(open(sys.argv[1]))
available = exported(sys.argv[2:])
panels = [p for p in dashboard["panels"] if p.get("type") != "row"]
missing = []
for panel in panels:
    for target in panel.get("targets", []):
        for name in sorted(metric_names(target["expr"])):
            source = available.get(name)
            print(f"{panel['title']:45} {name:55} {source or 'NOT EXPORTED'}")
            if not source:
                missing.append(f"panel '{panel['title']}' queries {name}, which no tool exports")
for problem in missing:
    print(problem)
print(f"{len(panels)} panels, {len(missing)} unknown metrics")
sys.exit(1 if missing or len(panels) < 10 else 0)
