#pragma once
// k6's metric model: named metrics of four types (counter, gauge, rate, trend), each sample tagged
// (scenario, name, method, status, ...). A MetricSet holds one series per (metric, tag set); it is
// what a worker thread fills, what the run accumulates, what summary.json carries and what
// `merge` adds up. Trends are histograms (rsolv::metrics::Histogram), so merging is exact.
//
// Trend values are stored as integers in thousandths of the reported unit: microseconds for time
// trends (reported in milliseconds, as k6 does), milli-units for custom trends.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rsolv/metrics/histogram.hpp"

namespace rsolv::loadgen::metrics {

// A trend's samples: harness/metrics' log-linear histogram (metrics::Histogram in this namespace).
using Histogram = rsolv::metrics::Histogram;

enum class MetricType { counter, gauge, rate, trend };
enum class ValueKind { plain, time, data };  // how values are displayed

std::string_view to_string(MetricType type);
std::optional<MetricType> metric_type_from_string(std::string_view text);

struct MetricInfo {
  std::string name;
  MetricType type = MetricType::counter;
  ValueKind contains = ValueKind::plain;
};

// Sorted by key, keys unique.
using Tags = std::vector<std::pair<std::string, std::string>>;
Tags normalize_tags(Tags tags);
// "name{k:v,k2:v2}" (k6's selector syntax; no braces without tags).
std::string series_key(std::string_view metric, const Tags& tags);
// Whether `tags` contains every pair of `filter`.
bool tags_match(const Tags& tags, const Tags& filter);

inline constexpr double kTrendScale = 1000.0;  // stored integer per reported unit

struct SeriesValue {
  double sum = 0;                 // counter
  double gauge = 0;               // gauge: last value
  double gauge_min = 0;
  double gauge_max = 0;
  bool gauge_set = false;
  std::int64_t hits = 0;          // rate
  std::int64_t total = 0;
  std::unique_ptr<metrics::Histogram> histogram;  // trend, created on first use

  SeriesValue() = default;
  SeriesValue(const SeriesValue& other);
  SeriesValue& operator=(const SeriesValue& other);
  SeriesValue(SeriesValue&&) noexcept = default;
  SeriesValue& operator=(SeriesValue&&) noexcept = default;

  void add_counter(double value) { sum += value; }
  void add_rate(bool hit) {
    total += 1;
    hits += hit ? 1 : 0;
  }
  void set_gauge(double value);
  metrics::Histogram& trend();
  // Records a reported-unit value (ms for time trends) into the trend.
  void add_trend(double value) { trend().record(static_cast<std::int64_t>(value * kTrendScale + 0.5)); }
  void add_trend_raw(std::int64_t stored) { trend().record(stored); }

  bool empty(MetricType type) const;
  // Adds another series of the same metric (counters, rates, histograms add; gauges add too: the
  // gauges kept here, vus and vus_max, are sums over threads and machines).
  void merge(const SeriesValue& other, MetricType type);
  void reset();
};

struct Series {
  std::string metric;
  Tags tags;
  SeriesValue value;
};

// A metric's series combined, filtered by tags: what thresholds and summaries read.
struct Aggregate {
  MetricType type = MetricType::counter;
  ValueKind contains = ValueKind::plain;
  SeriesValue value;
  std::int64_t series = 0;  // how many series matched
};

class MetricSet {
 public:
  MetricSet() = default;
  MetricSet(const MetricSet& other) = default;
  MetricSet& operator=(const MetricSet& other) = default;
  MetricSet(MetricSet&&) noexcept = default;
  MetricSet& operator=(MetricSet&&) noexcept = default;

  // Declares a metric; declaring it again with another type throws rsolv::UsageError.
  void define(const MetricInfo& info);
  const MetricInfo* info(std::string_view name) const;
  const std::vector<MetricInfo>& metrics() const { return infos_; }

  // Index of the series (created empty when missing); tags must be normalized. References and
  // indexes stay valid while series are added (the storage is a deque).
  std::size_t series_index(std::string_view metric, const Tags& tags);
  Series& at(std::size_t index) { return series_[index]; }
  const Series& at(std::size_t index) const { return series_[index]; }
  std::size_t size() const { return series_.size(); }
  const std::deque<Series>& all() const { return series_; }
  const Series* find(std::string_view metric, const Tags& tags) const;

  // Adds every series of `other` into this set (definitions too).
  void merge(const MetricSet& other);
  Aggregate aggregate(std::string_view metric, const Tags& filter = {}) const;

  nlohmann::json to_json() const;
  // Throws rsolv::Error with a one-line reason when the JSON is not a metric set this code wrote.
  static MetricSet from_json(const nlohmann::json& json);

 private:
  std::vector<MetricInfo> infos_;
  std::deque<Series> series_;
  std::unordered_map<std::string, std::size_t> index_;
};

// The built-in metrics every run defines (k6's names).
void define_builtin_metrics(MetricSet& set);

}  // namespace rsolv::loadgen::metrics
