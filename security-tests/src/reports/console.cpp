#include <fmt/format.h>

#include <map>

#include "rsolv/security/reports.hpp"

namespace rsolv::security {

std::vector<Finding> RunSummary::findings() const {
  std::vector<Finding> all;
  for (const auto& check : checks) all.insert(all.end(), check.findings.begin(), check.findings.end());
  return all;
}

std::string render_console(const RunSummary& run, bool color) {
  const auto paint = [color](const char* code, const std::string& text) {
    return color ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  };
  std::string out = fmt::format("rsolv-security against {}\n\n", run.target_url);
  std::map<std::string, std::pair<int, int>> per_suite;  // passed, failed
  for (const auto& check : run.checks) {
    auto& counts = per_suite[check.suite];
    (check.passed ? counts.first : counts.second)++;
    out += fmt::format("  {} {:<11} {}\n", check.passed ? paint("32", "PASS") : paint("31", "FAIL"), check.suite, check.name);
  }
  const auto findings = run.findings();
  if (!findings.empty()) {
    out += "\nFindings\n";
    for (const auto& finding : findings) {
      out += fmt::format("\n  [{}] {} {}\n    at {}\n    fix: {}\n", paint("1", std::string(to_string(finding.severity))),
                         finding.rule_id, finding.title, finding.location, finding.remediation);
      std::string evidence = finding.evidence;
      std::string indented;
      for (std::size_t start = 0; start < evidence.size();) {
        auto end = evidence.find('\n', start);
        if (end == std::string::npos) end = evidence.size();
        indented += "    | " + evidence.substr(start, end - start) + "\n";
        start = end + 1;
      }
      out += indented;
    }
  }
  out += "\n  suite        passed  failed\n";
  for (const auto& [suite, counts] : per_suite) {
    out += fmt::format("  {:<12} {:>6}  {:>6}\n", suite, counts.first, counts.second);
  }
  out += fmt::format("\n{} checks, {} findings in {:.1f} s\n", run.checks.size(), findings.size(), run.seconds);
  return out;
}

}  // namespace rsolv::security
