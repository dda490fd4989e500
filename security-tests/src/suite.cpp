#include "rsolv/security/suite.hpp"

#include <chrono>

#include "rsolv/security/rules.hpp"

namespace rsolv::security {

std::vector<std::unique_ptr<Suite>> all_suites() {
  std::vector<std::unique_ptr<Suite>> suites;
  suites.push_back(make_auth_suite());
  suites.push_back(make_pci_suite());
  suites.push_back(make_sqli_suite());
  suites.push_back(make_webhooks_suite());
  suites.push_back(make_mass_assignment_suite());
  suites.push_back(make_bola_suite());
  suites.push_back(make_business_logic_suite());
  suites.push_back(make_race_suite());
  suites.push_back(make_rate_limit_suite());
  return suites;
}

CheckResult run_check(SuiteContext& context, std::string_view suite, std::string name,
                      const std::function<std::vector<Finding>(std::string& detail)>& body) {
  if (context.progress) context.progress(std::string(suite) + ": " + name);
  CheckResult result;
  result.suite = suite;
  result.name = std::move(name);
  const auto started = std::chrono::steady_clock::now();
  const auto requests_before = context.probe.requests_sent();
  try {
    result.findings = body(result.detail);
    result.outcome = result.findings.empty() ? Outcome::passed : Outcome::failed;
  } catch (const NoAnswer& no_answer) {
    // Whatever the check saw before, without an answer it proves nothing.
    result.findings.clear();
    result.outcome = Outcome::inconclusive;
    result.detail = no_answer.what();
  }
  result.requests = context.probe.requests_sent() - requests_before;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

Finding make_finding(std::string_view rule_id, std::string location, std::string evidence, std::string title) {
  const auto& rule_entry = rule(rule_id);
  Finding finding;
  finding.rule_id = rule_entry.id;
  finding.suite = rule_entry.suite;
  finding.title = title.empty() ? std::string(rule_entry.short_description) : std::move(title);
  finding.severity = rule_entry.default_severity;
  finding.location = std::move(location);
  finding.evidence = std::move(evidence);
  finding.remediation = rule_entry.help;
  return finding;
}

}  // namespace rsolv::security
