#pragma once
// A log-linear latency histogram (HdrHistogram's layout): 3 significant digits from 1 us to 1 h by
// default, fixed memory (23,552 counters, 184 KiB), O(1) record, exact merge, JSON round trip so
// summaries from several machines merge exactly. Values are int64, microseconds by convention.
// Not thread-safe: see AtomicHistogram for concurrent recording.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <vector>

#include "rsolv/metrics/histogram_layout.hpp"

namespace rsolv::metrics {

class Histogram {
 public:
  explicit Histogram(std::int64_t lowest = kLowestMicros, std::int64_t highest = kHighestMicros,
                     int significant_digits = kSignificantDigits);

  // Values above the highest trackable value are recorded as the highest and counted in clamped();
  // negative values are recorded as 0.
  void record(std::int64_t value, std::int64_t count = 1);
  // HdrHistogram's coordinated-omission correction: when a value exceeds the expected interval
  // between samples, also record the samples that a stalled sender failed to send
  // (value - interval, value - 2*interval, ... down to the interval).
  void record_corrected(std::int64_t value, std::int64_t expected_interval);
  // Exact: counts add bucket by bucket. Throws rsolv::Error when the layouts differ.
  void merge(const Histogram& other);
  void reset();

  std::int64_t count() const { return total_; }
  std::int64_t min() const { return total_ ? min_ : 0; }
  std::int64_t max() const { return max_; }
  std::int64_t clamped() const { return clamped_; }
  double sum() const { return sum_; }
  double mean() const;
  double stddev() const;
  // p in [0, 100]; the highest value equivalent to the bucket holding that rank (HdrHistogram's
  // convention), capped at the exact max.
  std::int64_t value_at_percentile(double percentile) const;
  std::int64_t count_at_or_below(std::int64_t value) const;

  nlohmann::json to_json() const;
  // Throws rsolv::Error with a one-line reason when the JSON is not a histogram this code wrote.
  static Histogram from_json(const nlohmann::json& json);

  const HistogramLayout& layout() const { return layout_; }
  const std::vector<std::int64_t>& counts() const { return counts_; }
  std::size_t memory_bytes() const { return counts_.capacity() * sizeof(std::int64_t) + sizeof(*this); }

  bool operator==(const Histogram& other) const;

 private:
  friend class AtomicHistogram;
  HistogramLayout layout_;
  std::vector<std::int64_t> counts_;
  std::int64_t total_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  std::int64_t clamped_ = 0;
  double sum_ = 0;
};

}  // namespace rsolv::metrics
