#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "rsolv/security/reports.hpp"

namespace rsolv::security {

std::vector<Finding> RunSummary::findings() const {
  // One flaw seen by two checks (a leak on malformed JSON and on a bad key) is one finding.
  std::vector<Finding> unique;
  std::set<std::string> seen;
  for (const auto& check : checks) {
    for (const auto& finding : check.findings) {
      if (seen.insert(fingerprint(finding)).second) unique.push_back(finding);
    }
  }
  return unique;
}

std::size_t RunSummary::count(Outcome outcome) const {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [outcome](const CheckResult& check) { return check.outcome == outcome; }));
}

std::size_t RunSummary::requests() const {
  std::size_t total = 0;
  for (const auto& check : checks) total += check.requests;
  return total;
}

std::string render_console(const RunSummary& run, bool color) {
  const auto paint = [color](const char* code, const std::string& text) {
    return color ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  };
  std::string out = fmt::format("rsolv-security against {}\n\n", run.target_url);
  if (!run.preflight.empty()) out += "  preflight: " + run.preflight + "\n\n";
  struct Counts {
    int passed = 0, failed = 0, inconclusive = 0;
    std::size_t requests = 0;
  };
  std::map<std::string, Counts> per_suite;
  for (const auto& check : run.checks) {
    auto& counts = per_suite[check.suite];
    counts.requests += check.requests;
    std::string mark;
    switch (check.outcome) {
      case Outcome::passed: ++counts.passed; mark = paint("32", "PASS"); break;
      case Outcome::failed: ++counts.failed; mark = paint("31", "FAIL"); break;
      case Outcome::inconclusive: ++counts.inconclusive; mark = paint("33", "INCONCLUSIVE"); break;
    }
    out += fmt::format("  {} {:<11} {}\n", mark, check.suite, check.name);
    if (check.outcome == Outcome::inconclusive) out += "       " + check.detail + "\n";
  }
  const auto findings = run.findings();
  if (!findings.empty()) {
    out += "\nFindings\n";
    for (const auto& finding : findings) {
      std::string mark;
      if (finding.triage == Finding::Triage::in_baseline) mark = " (in baseline)";
      if (finding.triage == Finding::Triage::ignored) mark = " (ignored: " + finding.ignore_reason + ")";
      out += fmt::format("\n  [{}] {} {}{}\n    at {}\n    fix: {}\n", paint("1", std::string(to_string(finding.severity))),
                         finding.rule_id, finding.title, mark, finding.location, finding.remediation);
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
  out += "\n  suite            passed  failed  inconclusive  requests\n";
  for (const auto& [suite, counts] : per_suite) {
    out += fmt::format("  {:<16} {:>6}  {:>6}  {:>12}  {:>8}\n", suite, counts.passed, counts.failed, counts.inconclusive,
                       counts.requests);
  }
  const auto known = std::count_if(findings.begin(), findings.end(),
                                   [](const Finding& f) { return f.triage != Finding::Triage::fresh; });
  out += fmt::format("\n{} checks ({} inconclusive), {} findings{}, {} requests in {:.1f} s\n", run.checks.size(),
                     run.count(Outcome::inconclusive), findings.size(),
                     known > 0 ? fmt::format(" ({} new, {} in baseline or ignored)", findings.size() - static_cast<std::size_t>(known), known)
                               : std::string(),
                     run.requests(), run.seconds);
  return out;
}

}  // namespace rsolv::security
