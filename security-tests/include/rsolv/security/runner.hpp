#pragma once
// Runs the selected suites against a target and writes the reports; the CLI is a thin layer on this.
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
  std::function<void(std::string_view)> progress;
  std::string tool_version = "0.0.0";
};

struct RunOutcome {
  RunSummary summary;
  int exit_code = 0;  // 0 clean, 1 findings at or above fail_on
};

// Throws rsolv::UsageError for an unknown suite or a refused host.
RunOutcome run_security(const Target& target, const RunOptions& options);

std::vector<std::string> suite_names();

}  // namespace rsolv::security
