#pragma once
// Thresholds in k6's syntax, parsed once into objects (as k6 does):
//   http_req_duration{scenario:signup}: ["p(95)<500", "avg<200"]
//   http_req_failed: ["rate<0.01"]
//   checks: [{threshold: "rate>0.99", abortOnFail: true, delayAbortEval: 10s}]
// Aggregations: avg, min, max, med, p(N), count (trends); count, rate (counters: per second);
// rate (rates); value, min, max (gauges). Operators: < <= > >= == === !=. Time trends compare in
// milliseconds.
#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/loadgen/metrics/metric_set.hpp"

namespace rsolv::loadgen::metrics {

enum class Aggregation { avg, min, max, med, percentile, count, rate, value };
enum class Comparison { lt, le, gt, ge, eq, ne };

struct ThresholdCondition {
  std::string source;  // as written, e.g. "p(95)<500"
  Aggregation aggregation = Aggregation::avg;
  double percentile = 0;  // for Aggregation::percentile
  Comparison comparison = Comparison::lt;
  double target = 0;
  bool abort_on_fail = false;
  std::chrono::microseconds delay_abort_eval{0};
};

struct Threshold {
  std::string key;  // as written: "http_req_duration{scenario:signup}"
  std::string metric;
  Tags filter;
  std::vector<ThresholdCondition> conditions;
};

// "metric" or "metric{tag:value,tag2:value2}"; throws rsolv::UsageError with the reason.
std::pair<std::string, Tags> parse_metric_selector(std::string_view text);
// One expression such as "p(99.9)<=1500"; throws rsolv::UsageError with the reason.
ThresholdCondition parse_condition(std::string_view text);
// Throws rsolv::UsageError when the aggregation does not apply to the metric's type.
void check_condition_applies(const ThresholdCondition& condition, const MetricInfo& metric);

struct ThresholdResult {
  std::string key;
  std::string source;
  bool ok = true;
  double actual = 0;  // the aggregated value compared (ms for time trends)
  bool abort_on_fail = false;
  // No sample matched the metric and its filter (a typo in a tag value, a scenario that never
  // ran): the condition was compared with 0. Reports say so next to the result. Never set for
  // counters (one that was never incremented is 0, not missing).
  bool no_samples = false;
};

// The value a condition compares, from the metric's series matching the threshold's filter.
// duration_seconds is the test's length (counters' rate is per second).
double aggregate_value(const Aggregate& aggregate, const ThresholdCondition& condition, double duration_seconds);
bool compare(double actual, Comparison comparison, double target);
std::vector<ThresholdResult> evaluate(const std::vector<Threshold>& thresholds, const MetricSet& metrics,
                                      double duration_seconds);

// Round trip through summary.json, in the scenario file's own form (so `merge` re-parses them).
nlohmann::json thresholds_to_json(const std::vector<Threshold>& thresholds);
std::vector<Threshold> thresholds_from_json(const nlohmann::json& json);

}  // namespace rsolv::loadgen::metrics
