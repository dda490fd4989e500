// JSON, JUnit and SARIF renderings of a run.

#include <algorithm>
#include <map>
#include <set>

#include "rsolv/common/digest.hpp"
#include "rsolv/report/junit.hpp"
#include "rsolv/security/reports.hpp"
#include "rsolv/security/rules.hpp"

namespace rsolv::security {

namespace {

nlohmann::json finding_json(const Finding& finding) {
  return {{"rule_id", finding.rule_id},   {"suite", finding.suite},       {"title", finding.title},
          {"severity", to_string(finding.severity)}, {"location", finding.location}, {"evidence", finding.evidence},
          {"remediation", finding.remediation}, {"subject", finding.subject}, {"triage", to_string(finding.triage)},
          {"ignore_reason", finding.ignore_reason}};
}

// GitHub ranks alerts by this CVSS-like score.
const char* security_severity(Severity severity) {
  switch (severity) {
    case Severity::critical: return "9.5";
    case Severity::high: return "8.0";
    case Severity::medium: return "5.5";
    case Severity::low: return "3.0";
    case Severity::info: return "0.0";
  }
  return "0.0";
}

}  // namespace

// "security", the suite, and the OWASP API Top 10 (2023) risk when the rule maps onto one.
static nlohmann::json rule_tags(const Rule& entry) {
  auto tags = nlohmann::json::array({"security", std::string(entry.suite)});
  if (const auto owasp = owasp_api_category(entry.id); !owasp.empty()) tags.push_back("OWASP-" + std::string(owasp));
  return tags;
}

std::string location_path(const std::string& location) {
  auto url = location;
  const auto space = url.find(' ');
  if (space != std::string::npos && url.find("://") != std::string::npos && space < url.find("://")) url = url.substr(space + 1);
  const auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    url = url.substr(scheme + 3);
    const auto slash = url.find('/');
    url = slash == std::string::npos ? std::string() : url.substr(slash);
  }
  url = url.substr(0, url.find('?'));
  for (auto& c : url) {
    if (c == ':') c = '_';
  }
  while (url.starts_with("/")) url.erase(0, 1);
  return url.empty() ? "target" : url;
}

std::string route_of(const Finding& finding) {
  const auto space = finding.location.find(' ');
  const auto scheme = finding.location.find("://");
  const auto method = scheme != std::string::npos && space < scheme ? finding.location.substr(0, space) + " " : std::string();
  return method + location_path(finding.location);
}

std::string fingerprint(const Finding& finding) {
  return sha256_hex(finding.rule_id + "|" + route_of(finding) + "|" + finding.subject);
}

nlohmann::json render_json(const RunSummary& run) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& check : run.checks) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& finding : check.findings) findings.push_back(finding_json(finding));
    checks.push_back({{"suite", check.suite},
                      {"name", check.name},
                      {"status", to_string(check.outcome)},
                      {"seconds", check.seconds},
                      {"requests", check.requests},
                      {"detail", check.detail},
                      {"findings", findings}});
  }
  const auto findings = run.findings();
  return {{"target", run.target_url},
          {"seconds", run.seconds},
          {"checks", checks},
          {"preflight", run.preflight},
          {"summary",
           {{"checks", run.checks.size()},
            {"passed", run.count(Outcome::passed)},
            {"failed", run.count(Outcome::failed)},
            {"inconclusive", run.count(Outcome::inconclusive)},
            {"findings", findings.size()},
            {"new", std::count_if(findings.begin(), findings.end(),
                                  [](const Finding& f) { return f.triage == Finding::Triage::fresh; })},
            {"in_baseline", std::count_if(findings.begin(), findings.end(),
                                          [](const Finding& f) { return f.triage == Finding::Triage::in_baseline; })},
            {"ignored", std::count_if(findings.begin(), findings.end(),
                                      [](const Finding& f) { return f.triage == Finding::Triage::ignored; })},
            {"requests", run.requests()}}}};
}

std::string render_junit_report(const RunSummary& run) {
  std::vector<report::JUnitSuite> suites;
  for (const auto& check : run.checks) {
    auto it = std::find_if(suites.begin(), suites.end(), [&](const auto& s) { return s.name == "rsolv-security." + check.suite; });
    if (it == suites.end()) {
      suites.push_back({"rsolv-security." + check.suite, {}, 0, "", {{"target", run.target_url}}});
      it = std::prev(suites.end());
    }
    report::JUnitCase test_case;
    test_case.name = check.name;
    test_case.classname = "rsolv-security." + check.suite;
    test_case.time_seconds = check.seconds;
    test_case.system_out = check.detail;
    if (check.outcome == Outcome::inconclusive) {
      test_case.skipped = true;
      test_case.skipped_message = "inconclusive: " + check.detail;
    }
    const bool any_new = std::any_of(check.findings.begin(), check.findings.end(),
                                     [](const Finding& f) { return f.triage == Finding::Triage::fresh; });
    if (check.outcome == Outcome::failed && !any_new) {
      // Known and accepted: a pass for CI, with what was seen.
      for (const auto& finding : check.findings) {
        test_case.system_out += "\n[" + std::string(to_string(finding.triage)) + "] " + finding.rule_id + " " + finding.title +
                                (finding.ignore_reason.empty() ? "" : ": " + finding.ignore_reason);
      }
    }
    if (check.outcome == Outcome::failed && any_new) {
      test_case.failure_message = check.findings.front().rule_id + ": " + check.findings.front().title;
      for (const auto& finding : check.findings) {
        test_case.failure_text += "[" + std::string(to_string(finding.severity)) + "] " + finding.rule_id + " " +
                                  finding.title + "\nat " + finding.location + "\n" + finding.evidence + "\nfix: " +
                                  finding.remediation + "\n\n";
      }
    }
    it->time_seconds += check.seconds;
    it->cases.push_back(std::move(test_case));
  }
  return report::render_junit(suites);
}

nlohmann::json render_sarif(const RunSummary& run, const std::string& tool_version) {
  nlohmann::json rules_json = nlohmann::json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& entry : rules()) {
    rule_index[std::string(entry.id)] = rules_json.size();
    rules_json.push_back({{"id", entry.id},
                          {"name", entry.name},
                          {"shortDescription", {{"text", entry.short_description}}},
                          {"fullDescription", {{"text", entry.short_description}}},
                          {"help", {{"text", entry.help}, {"markdown", entry.help}}},
                          {"defaultConfiguration", {{"level", sarif_level(entry.default_severity)}}},
                          {"properties",
                           {{"tags", rule_tags(entry)},
                            {"security-severity", security_severity(entry.default_severity)},
                            {"precision", "high"}}}});
  }
  nlohmann::json results = nlohmann::json::array();
  std::set<std::string> seen;
  for (const auto& finding : run.findings()) {
    const auto print = fingerprint(finding);
    if (!seen.insert(print).second) continue;  // one alert per flaw
    const auto path = location_path(finding.location);
    results.push_back(
        {{"ruleId", finding.rule_id},
         {"ruleIndex", rule_index.at(finding.rule_id)},
         {"level", sarif_level(finding.severity)},
         {"message", {{"text", finding.title + ". " + finding.remediation}}},
         {"locations",
          {{{"physicalLocation", {{"artifactLocation", {{"uri", path}}}, {"region", {{"startLine", 1}}}}},
            {"logicalLocations", {{{"name", route_of(finding)}, {"kind", "resource"}}}}}}},
         {"partialFingerprints", {{"rsolvFinding/v2", print}}},
         {"properties", {{"endpoint", finding.location}, {"evidence", finding.evidence}, {"severity", to_string(finding.severity)}}}});
    auto& result = results.back();
    if (run.baseline_given) result["baselineState"] = finding.triage == Finding::Triage::in_baseline ? "unchanged" : "new";
    if (finding.triage == Finding::Triage::ignored) {
      result["suppressions"] = {{{"kind", "external"}, {"status", "accepted"}, {"justification", finding.ignore_reason}}};
    }
  }
  // Inconclusive checks are neither alerts nor passes: code scanning shows tool execution
  // notifications with the run instead of opening (or closing) alerts for them.
  nlohmann::json notifications = nlohmann::json::array();
  for (const auto& check : run.checks) {
    if (check.outcome != Outcome::inconclusive) continue;
    notifications.push_back({{"level", "warning"},
                             {"message", {{"text", "inconclusive: " + check.suite + ": " + check.name + ": " + check.detail}}},
                             {"descriptor", {{"id", "rsolv-security/inconclusive"}}},
                             {"properties", {{"suite", check.suite}, {"check", check.name}}}});
  }
  nlohmann::json invocation = {{"executionSuccessful", true}, {"toolExecutionNotifications", notifications}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs",
           {{{"tool",
              {{"driver",
                {{"name", "rsolv-security"},
                 {"informationUri", "https://rsolv.dev"},
                 {"semanticVersion", tool_version},
                 {"rules", rules_json}}}}},
             {"automationDetails", {{"id", "rsolv-security/"}}},
             {"invocations", nlohmann::json::array({invocation})},
             {"results", results}}}}};
}

}  // namespace rsolv::security
