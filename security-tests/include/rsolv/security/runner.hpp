#pragma once
// Runs the selected suites against a target and writes the reports; the CLI is a thin layer on this.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rsolv/security/finding.hpp"
#include "rsolv/security/reports.hpp"
#include "rsolv/security/target.hpp"

namespace rsolv::security {

struct RunOptions {
  std::vector<std::string> suites;        // empty: all
  std::vector<std::string> allow_hosts;   // --allow-host
  Severity fail_on = Severity::medium;    // exit 1 when a finding is at or above this
  std::optional<std::string> sarif_file, junit_file, json_file;
  // Findings in this earlier SARIF, or covered by an entry of the ignore file, are reported but
  // do not fail the run (baseline.hpp).
  std::optional<std::string> baseline_file, ignore_file;
  // The preflight's whole budget: a target that does not answer like the API within it ends the
  // run with TargetUnreachable (exit 2) before any suite runs.
  std::chrono::milliseconds preflight_timeout{5000};
  // The whole run's budget (--max-duration): checks still pending when it is used up are
  // inconclusive, and no request outlasts it. Zero: unbounded.
  std::chrono::milliseconds max_duration{0};
  std::chrono::milliseconds request_timeout{10000};  // one request, connect to last byte
  std::function<void(std::string_view)> progress;
  std::string tool_version = "0.0.0";
};

struct RunOutcome {
  RunSummary summary;
  int exit_code = 0;  // 0 clean, 1 new findings at or above fail_on
};

// Throws rsolv::UsageError for an unknown suite or a refused host, TargetUnreachable when the
// preflight fails.
RunOutcome run_security(const Target& target, const RunOptions& options);

std::vector<std::string> suite_names();

}  // namespace rsolv::security
