#include "rsolv/security/baseline.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "rsolv/common/error.hpp"
#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/security/rules.hpp"

namespace rsolv::security {

namespace {

constexpr std::uintmax_t kMaxBaselineBytes = 64u << 20;

// "GET /api/v1/x" as a user writes it -> "GET api/v1/x" as route_of() gives it.
std::string normalise_route(std::string route) {
  const auto space = route.find(' ');
  auto method = space == std::string::npos ? std::string() : route.substr(0, space + 1);
  auto path = space == std::string::npos ? route : route.substr(space + 1);
  while (path.starts_with("/")) path.erase(0, 1);
  path = path.substr(0, path.find('?'));
  return method + path;
}

bool covers(const IgnoreEntry& entry, const Finding& finding, const std::string& today) {
  if (entry.rule != finding.rule_id) return false;
  if (!entry.expires.empty() && today > entry.expires) return false;
  if (!entry.route.empty()) {
    const auto route = route_of(finding);
    // A route without a method matches any method.
    const bool with_method = entry.route.find(' ') != std::string::npos;
    if (with_method ? route != entry.route : route.substr(route.find(' ') + 1) != entry.route) return false;
  }
  return entry.subject.empty() || entry.subject == finding.subject;
}

}  // namespace

std::set<std::string> load_baseline_sarif(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw UsageError("--baseline " + path + ": cannot read it: " + error.message());
  if (size > kMaxBaselineBytes) {
    throw UsageError("--baseline " + path + ": " + std::to_string(size) + " bytes is over the 64 MiB limit");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const auto sarif = nlohmann::json::parse(text.str(), nullptr, false);
  if (sarif.is_discarded() || !sarif.is_object() || !sarif.contains("runs") || !sarif["runs"].is_array()) {
    throw UsageError("--baseline " + path + ": not a SARIF file (expected a JSON object with 'runs')");
  }
  std::set<std::string> prints;
  bool ours = false;
  for (const auto& run : sarif["runs"]) {
    if (!run.is_object() || run.value("/tool/driver/name"_json_pointer, std::string()) != "rsolv-security") continue;
    ours = true;
    for (const auto& result : run.value("results", nlohmann::json::array())) {
      const auto print = result.value("/partialFingerprints/rsolvFinding~1v2"_json_pointer, std::string());
      if (!print.empty()) prints.insert(print);
    }
  }
  if (!ours) throw UsageError("--baseline " + path + ": has no rsolv-security run (is it another tool's SARIF?)");
  return prints;
}

namespace {

std::vector<IgnoreEntry> parse_ignore_document(const config::Document& doc) {
  config::check_keys(doc, doc.root, {"ignore"});
  const auto list = doc.root["ignore"];
  if (!list) config::fail_at(doc, doc.root, "missing required key 'ignore' (a list of {rule, reason})");
  config::require_sequence(doc, list, "ignore");
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  std::vector<IgnoreEntry> entries;
  for (const auto& node : list) {
    config::require_map(doc, node, "ignore entry");
    config::check_keys(doc, node, {"rule", "route", "subject", "reason", "expires"});
    IgnoreEntry entry;
    entry.at = config::location(doc, node);
    entry.rule = config::get_string(doc, node, "rule");
    try {
      (void)rule(entry.rule);
    } catch (const Error&) {
      config::fail_at(doc, node["rule"], "unknown rule '" + entry.rule + "' (rsolv-security list shows them)");
    }
    entry.reason = config::get_string(doc, node, "reason");
    if (entry.reason.find_first_not_of(" \t") == std::string::npos) config::fail_at(doc, node["reason"], "reason must not be empty");
    if (const auto route = config::get_optional_string(doc, node, "route")) entry.route = normalise_route(*route);
    entry.subject = config::get_optional_string(doc, node, "subject").value_or("");
    entry.expires = config::get_optional_string(doc, node, "expires").value_or("");
    if (!entry.expires.empty() && !std::regex_match(entry.expires, date)) {
      config::fail_at(doc, node["expires"], "expires must be a date like 2027-01-31, got '" + entry.expires + "'");
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

std::vector<IgnoreEntry> load_ignore_file(const std::string& path) { return parse_ignore_document(config::load_yaml_file(path)); }

std::vector<IgnoreEntry> parse_ignore_file(const std::string& text, const std::string& label) {
  return parse_ignore_document(config::load_yaml_string(text, label));
}

void apply_triage(RunSummary& run, const std::set<std::string>& baseline, const std::vector<IgnoreEntry>& ignores,
                  const std::string& today) {
  for (auto& check : run.checks) {
    for (auto& finding : check.findings) {
      finding.triage = Finding::Triage::fresh;
      finding.ignore_reason.clear();
      for (const auto& entry : ignores) {
        if (covers(entry, finding, today)) {
          finding.triage = Finding::Triage::ignored;
          finding.ignore_reason = entry.reason + " (" + entry.at + ")";
          break;
        }
      }
      if (finding.triage == Finding::Triage::fresh && baseline.contains(fingerprint(finding))) {
        finding.triage = Finding::Triage::in_baseline;
      }
    }
  }
}

}  // namespace rsolv::security
