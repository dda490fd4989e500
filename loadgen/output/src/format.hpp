#pragma once
// Internal to output/: trend statistics, tag values and joins for the writers (text, HTML,
// JSON's k6-like view); how single values are shown is public (presentation.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/metrics/thresholds.hpp"
#include "rsolv/loadgen/output/presentation.hpp"

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

// The shared presentation (presentation.hpp), under the names the writers use.
using output::format_bytes;
using output::format_duration_ms;
using output::format_number;
using output::format_percent;
using output::format_value;
using output::html_escape;
using output::html_style;

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

// Distinct values of one tag among a metric's series, in first-seen order.
std::vector<std::string> tag_values(const metrics::MetricSet& metrics, const std::string& metric,
                                    const std::string& tag);

}  // namespace rsolv::loadgen::output::detail
