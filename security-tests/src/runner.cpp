#include "rsolv/security/runner.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>

#include "rsolv/common/error.hpp"
#include "rsolv/config/duration.hpp"
#include "rsolv/report/atomic_file.hpp"
#include "rsolv/report/json_report.hpp"
#include "rsolv/security/baseline.hpp"
#include "rsolv/security/preflight.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

std::string utc_today() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

}  // namespace

std::vector<std::string> suite_names() {
  std::vector<std::string> names;
  for (const auto& suite : all_suites()) names.emplace_back(suite->name());
  return names;
}

RunOutcome run_security(const Target& target, const RunOptions& options) {
  check_host_allowed(target, options.allow_hosts);
  const auto known = suite_names();
  for (const auto& name : options.suites) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw UsageError("unknown suite '" + name + "' (available: " + list + ")");
    }
  }
  // Read before any request, so a broken baseline or ignore file costs no probing.
  const auto baseline = options.baseline_file ? load_baseline_sarif(*options.baseline_file) : std::set<std::string>();
  const auto ignores = options.ignore_file ? load_ignore_file(*options.ignore_file) : std::vector<IgnoreEntry>();
  if (target.endpoints.empty() && !target.webhook && target.limits.empty() && target.mass_assignment.empty() &&
      target.bola.empty() && target.race.empty() && target.business_logic.empty()) {
    throw UsageError(target.file +
                     ": no endpoints, webhook, limits, mass_assignment, bola, race or business_logic: nothing to probe");
  }
  const auto started = std::chrono::steady_clock::now();
  RunOutcome outcome;
  outcome.summary.preflight = run_preflight(target, options.preflight_timeout);
  Probe probe(target, options.request_timeout);
  if (options.max_duration.count() > 0) {
    probe.set_deadline(started + options.max_duration,
                       "--max-duration " + config::format_duration(options.max_duration) + " used up before this check");
  }
  SuiteContext context{probe, target, options.progress};
  outcome.summary.target_url = probe.redact(target.base_url);
  for (auto& suite : all_suites()) {
    const bool selected = options.suites.empty() ||
                          std::find(options.suites.begin(), options.suites.end(), suite->name()) != options.suites.end();
    if (!selected) continue;
    auto results = suite->run(context);
    for (auto& check : results) {
      // The same flaw seen with several probes of one check is one finding.
      std::set<std::string> seen;
      std::erase_if(check.findings, [&seen](const Finding& finding) { return !seen.insert(fingerprint(finding)).second; });
    }
    outcome.summary.checks.insert(outcome.summary.checks.end(), results.begin(), results.end());
  }
  outcome.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  outcome.summary.baseline_given = options.baseline_file.has_value();
  apply_triage(outcome.summary, baseline, ignores, utc_today());
  for (const auto& finding : outcome.summary.findings()) {
    if (finding.triage == Finding::Triage::fresh && finding.severity >= options.fail_on) outcome.exit_code = 1;
  }
  if (options.json_file) report::write_json_file(*options.json_file, render_json(outcome.summary));
  if (options.junit_file) report::write_file_atomic(*options.junit_file, render_junit_report(outcome.summary));
  if (options.sarif_file) report::write_json_file(*options.sarif_file, render_sarif(outcome.summary, options.tool_version));
  return outcome;
}

}  // namespace rsolv::security
