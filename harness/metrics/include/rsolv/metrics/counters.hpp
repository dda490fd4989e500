#pragma once
// Thread-safe counters, rates (share of hits, as k6's Rate metric) and gauges.
#include <atomic>
#include <cstdint>

namespace rsolv::metrics {

class Counter {
 public:
  void add(double value = 1) { value_.fetch_add(value, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Rate {
 public:
  void add(bool hit) {
    total_.fetch_add(1, std::memory_order_relaxed);
    if (hit) hits_.fetch_add(1, std::memory_order_relaxed);
  }
  std::int64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::int64_t total() const { return total_.load(std::memory_order_relaxed); }
  // Share of hits in [0, 1]; 0 when nothing was added.
  double rate() const;

 private:
  std::atomic<std::int64_t> hits_{0};
  std::atomic<std::int64_t> total_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

}  // namespace rsolv::metrics
