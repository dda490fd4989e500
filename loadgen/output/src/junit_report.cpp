// JUnit: CI systems show each threshold, each check and the setup and teardown as a test case.
#include <cstdio>

#include "format.hpp"
#include "rsolv/loadgen/output/reports.hpp"
#include "rsolv/report/junit.hpp"

namespace rsolv::loadgen::output {

std::string render_junit_report(const Summary& s) {
  report::JUnitSuite thresholds;
  thresholds.name = s.name + " thresholds";
  thresholds.time_seconds = s.duration_seconds;
  std::string segments;
  for (const auto& seg : s.segments) segments += (segments.empty() ? "" : ",") + seg;
  thresholds.properties = {{"segments", segments}, {"file", s.file}};
  // A CI dashboard must show an interrupted run or a partial merge as failed, not as green thresholds.
  if (s.interrupted || s.partial) {
    report::JUnitCase c;
    c.name = s.interrupted ? "run completed" : "all segments merged";
    c.classname = "thresholds.completeness";
    c.failure_message = s.interrupted ? std::string("interrupted: a stop signal ended the run early")
                                      : "partial: segment(s) " + detail::join(s.missing_segments) + " missing";
    c.failure_text = *c.failure_message;
    thresholds.cases.push_back(std::move(c));
  }
  for (const auto& r : s.threshold_results) {
    report::JUnitCase c;
    c.name = r.key + ": " + r.source;
    c.classname = "thresholds." + r.key.substr(0, r.key.find('{'));
    c.system_out = "actual " + detail::format_number(r.actual) + (r.no_samples ? " (no samples matched)" : "");
    if (!r.ok) {
      c.failure_message = r.key + ": " + r.source + " failed (actual " + detail::format_number(r.actual) + ")";
      c.failure_text = *c.failure_message;
    }
    thresholds.cases.push_back(std::move(c));
  }
  report::JUnitSuite checks;
  checks.name = s.name + " checks";
  checks.time_seconds = s.duration_seconds;
  for (const auto& check : collect_checks(s.metrics)) {
    report::JUnitCase c;
    c.name = check.check;
    c.classname = "checks." + check.scenario + (check.name.empty() ? "" : "." + check.name);
    const auto total = check.passes + check.fails;
    c.system_out = std::to_string(check.passes) + " passed, " + std::to_string(check.fails) + " failed";
    if (check.fails > 0) {
      char line[128];
      std::snprintf(line, sizeof line, "%lld of %lld failed (%s)", static_cast<long long>(check.fails),
                    static_cast<long long>(total),
                    detail::format_percent(static_cast<double>(check.fails) / static_cast<double>(total)).c_str());
      c.failure_message = line;
      c.failure_text = c.system_out;
    }
    checks.cases.push_back(std::move(c));
  }
  std::vector<report::JUnitSuite> suites = {thresholds, checks};
  // setup: and teardown: (when the run had them): a failed teardown fails the build like a threshold.
  if (!s.phases.empty()) {
    report::JUnitSuite phases;
    phases.name = s.name + " setup and teardown";
    for (const auto& phase : s.phases) {
      report::JUnitCase c;
      c.name = phase.name;
      c.classname = "phases." + phase.name;
      c.time_seconds = phase.duration_seconds;
      phases.time_seconds += phase.duration_seconds;
      const auto requests = static_cast<std::int64_t>(phase.metrics.aggregate("http_reqs").value.sum);
      const auto failed = phase.metrics.aggregate("http_req_failed").value.hits;
      c.system_out = std::to_string(requests) + " request(s), " + std::to_string(failed) + " failed";
      if (!phase.failure.empty()) {
        c.failure_message = phase.name + " failed: " + phase.failure;
        c.failure_text = c.system_out;
      }
      phases.cases.push_back(std::move(c));
    }
    suites.push_back(std::move(phases));
  }
  return report::render_junit(suites);
}

}  // namespace rsolv::loadgen::output
