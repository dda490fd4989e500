#pragma once
// The Histogram layout with lock-free concurrent record() for servers whose worker threads all
// record latencies; snapshot() gives a plain Histogram for reporting.
#include <atomic>
#include <cstdint>
#include <memory>

#include "rsolv/metrics/histogram.hpp"

namespace rsolv::metrics {

class AtomicHistogram {
 public:
  AtomicHistogram(std::int64_t lowest = kLowestMicros, std::int64_t highest = kHighestMicros,
                  int significant_digits = kSignificantDigits);

  void record(std::int64_t value, std::int64_t count = 1);
  Histogram snapshot() const;
  std::int64_t count() const { return total_.load(std::memory_order_relaxed); }

 private:
  HistogramLayout layout_;
  std::unique_ptr<std::atomic<std::int64_t>[]> counts_;
  std::atomic<std::int64_t> total_{0};
  std::atomic<std::int64_t> min_{INT64_MAX};
  std::atomic<std::int64_t> max_{0};
  std::atomic<std::int64_t> clamped_{0};
  std::atomic<double> sum_{0};
};

}  // namespace rsolv::metrics
