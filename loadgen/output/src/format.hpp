#pragma once
// Internal to output/: how values are shown (text, HTML, JSON's k6-like view).
#include <cstdint>
#include <string>
#include <vector>

#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/metrics/thresholds.hpp"

namespace rsolv::loadgen::output {

// The metric model as the report writers name it (html_report.cpp); new code qualifies metrics::.
using metrics::Aggregation;
using metrics::kTrendScale;
using metrics::MetricInfo;
using metrics::MetricSet;
using metrics::MetricType;
using metrics::parse_condition;
using metrics::parse_metric_selector;
using metrics::SeriesValue;
using metrics::ThresholdCondition;
using metrics::ThresholdResult;
using metrics::ValueKind;

}  // namespace rsolv::loadgen::output

namespace rsolv::loadgen::output::detail {

// A trend's statistics in its reported unit (ms for time trends).
struct TrendStats {
  double avg = 0, min = 0, med = 0, max = 0, p90 = 0, p95 = 0, p99 = 0;
  std::int64_t count = 0;
};
TrendStats trend_stats(const metrics::SeriesValue& value);

std::string format_number(double value);       // "12.35", "1234", "0.001"
std::string format_duration_ms(double ms);     // "512µs", "12.35ms", "1.23s", "2m3.4s"
std::string format_bytes(double bytes);        // "940 B", "1.2 kB", "3.4 MB" (SI, as k6)
std::string format_value(double value, metrics::ValueKind kind);  // by the metric's kind
std::string format_percent(double share);      // "98.50%"
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

// Distinct values of one tag among a metric's series, in first-seen order.
std::vector<std::string> tag_values(const metrics::MetricSet& metrics, const std::string& metric,
                                    const std::string& tag);

}  // namespace rsolv::loadgen::output::detail
