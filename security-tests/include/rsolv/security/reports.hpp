#pragma once
// Report formats of a security run: console table, JSON, JUnit XML (one case per check) and SARIF
// 2.1.0 in the subset GitHub code scanning accepts.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/security/finding.hpp"

namespace rsolv::security {

struct RunSummary {
  std::string target_url;
  std::vector<CheckResult> checks;
  double seconds = 0;
  std::vector<Finding> findings() const;
};

std::string render_console(const RunSummary& run, bool color);
nlohmann::json render_json(const RunSummary& run);
std::string render_junit_report(const RunSummary& run);
nlohmann::json render_sarif(const RunSummary& run, const std::string& tool_version);

// "http://127.0.0.1:4000/api/v1/x?y" -> "127.0.0.1_4000/api/v1/x": code scanning only accepts
// repository-relative paths as locations, so the endpoint becomes one (the full URL is kept in
// the result's properties).
std::string location_path(const std::string& location);

}  // namespace rsolv::security
