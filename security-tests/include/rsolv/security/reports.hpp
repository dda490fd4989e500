#pragma once
// Report formats of a security run: console table, JSON, JUnit XML (one case per check) and SARIF
// 2.1.0 in the subset GitHub code scanning accepts.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/security/finding.hpp"

namespace rsolv::security {

struct RunSummary {
  std::string target_url;  // redacted
  std::string preflight;   // what the preflight saw
  std::vector<CheckResult> checks;
  double seconds = 0;
  std::vector<Finding> findings() const;  // one per fingerprint, in check order
  std::size_t count(Outcome outcome) const;
  std::size_t requests() const;
  bool baseline_given = false;  // --baseline: SARIF results carry baselineState
};

std::string render_console(const RunSummary& run, bool color);
nlohmann::json render_json(const RunSummary& run);
std::string render_junit_report(const RunSummary& run);
nlohmann::json render_sarif(const RunSummary& run, const std::string& tool_version);

// "GET http://127.0.0.1:4000/api/v1/x?y" -> "api/v1/x": code scanning only accepts
// repository-relative paths as locations, so the endpoint's route becomes one (the full URL is
// kept in the result's properties). Host and port are left out so that an alert stays the same
// alert when the deployment under test moves.
std::string location_path(const std::string& location);

// "GET api/v1/x": a finding's method and route, without host, port or query.
std::string route_of(const Finding& finding);

// Rule, method, route and subject: the same flaw has the same fingerprint on any host, port or
// run; two findings with one fingerprint are one alert.
std::string fingerprint(const Finding& finding);

}  // namespace rsolv::security
