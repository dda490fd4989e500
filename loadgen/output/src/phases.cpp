// The setup and teardown flows in the summary: apart from the scenarios' metrics, so 50 sign-ups
// before a test move none of its percentiles, yet visible (how long they took, whether they failed).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "format.hpp"
#include "rsolv/loadgen/output/summary.hpp"

namespace rsolv::loadgen::output {

namespace {

struct PhaseNumbers {
  std::int64_t requests = 0, failed = 0, iterations = 0, check_passes = 0, check_fails = 0;
  detail::TrendStats duration;
};

PhaseNumbers numbers(const PhaseSummary& phase) {
  PhaseNumbers n;
  n.requests = static_cast<std::int64_t>(phase.metrics.aggregate("http_reqs").value.sum);
  n.failed = phase.metrics.aggregate("http_req_failed").value.hits;
  n.iterations = static_cast<std::int64_t>(phase.metrics.aggregate("iterations").value.sum);
  const auto checks = phase.metrics.aggregate("checks").value;
  n.check_passes = checks.hits;
  n.check_fails = checks.total - checks.hits;
  n.duration = detail::trend_stats(phase.metrics.aggregate("http_req_duration").value);
  return n;
}

}  // namespace

nlohmann::json phases_to_json(const std::vector<PhaseSummary>& phases) {
  auto out = nlohmann::json::array();
  for (const auto& phase : phases) {
    const auto n = numbers(phase);
    out.push_back({{"name", phase.name},
                   {"ok", phase.failure.empty()},
                   {"failure", phase.failure},
                   {"duration_seconds", phase.duration_seconds},
                   {"requests", n.requests},
                   {"failed_requests", n.failed},
                   {"iterations", n.iterations},
                   {"http_req_duration", {{"avg", n.duration.avg}, {"p(95)", n.duration.p95}, {"max", n.duration.max}}},
                   {"checks", {{"passes", n.check_passes}, {"fails", n.check_fails}}},
                   {"series", phase.metrics.to_json()}});
  }
  return out;
}

std::vector<PhaseSummary> phases_from_json(const nlohmann::json& json) {
  std::vector<PhaseSummary> out;
  for (const auto& item : json) {
    PhaseSummary phase;
    phase.name = item.at("name").get<std::string>();
    phase.failure = item.value("failure", std::string());
    phase.duration_seconds = item.value("duration_seconds", 0.0);
    phase.metrics = metrics::MetricSet::from_json(item.at("series"));
    out.push_back(std::move(phase));
  }
  return out;
}

void merge_phases(std::vector<PhaseSummary>& into, const std::vector<PhaseSummary>& more) {
  for (const auto& phase : more) {
    auto it = std::find_if(into.begin(), into.end(), [&](const PhaseSummary& p) { return p.name == phase.name; });
    if (it == into.end()) {
      into.push_back(phase);
      continue;
    }
    it->metrics.merge(phase.metrics);
    it->duration_seconds = std::max(it->duration_seconds, phase.duration_seconds);
    if (it->failure.empty()) it->failure = phase.failure;
  }
}

std::string render_phases_text(const std::vector<PhaseSummary>& phases) {
  if (phases.empty()) return {};
  std::string out = "\n  setup and teardown (not in the metrics above):\n";
  for (const auto& phase : phases) {
    const auto n = numbers(phase);
    char line[160];
    std::snprintf(line, sizeof line, "%.2fs", phase.duration_seconds);
    out += "   " + phase.name + ": " + (phase.failure.empty() ? "ok" : "FAILED: " + phase.failure) + "; " +
           std::to_string(n.iterations) + " iteration(s), " + std::to_string(n.requests) + " request(s), " +
           std::to_string(n.failed) + " failed, in " + line;
    if (n.duration.count > 0) {
      out += "; http_req_duration avg=" + detail::format_duration_ms(n.duration.avg) +
             " p(95)=" + detail::format_duration_ms(n.duration.p95) + " max=" + detail::format_duration_ms(n.duration.max);
    }
    if (n.check_passes + n.check_fails > 0) {
      out += "; checks ✓ " + std::to_string(n.check_passes) + " ✗ " + std::to_string(n.check_fails);
    }
    out += "\n";
  }
  return out;
}

}  // namespace rsolv::loadgen::output
