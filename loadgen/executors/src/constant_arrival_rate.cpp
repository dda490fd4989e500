// constant-arrival-rate: `rate` iterations per `timeUnit`, evenly spaced, for `duration`, whatever
// the target's latency (k6: constant_arrival_rate.go). Iteration g of the whole test is intended
// to start at g * timeUnit / rate.
#include <algorithm>
#include <cmath>

#include "executor_types.hpp"

namespace rsolv::loadgen::executors {

ArrivalStripe::ArrivalStripe(const Segment& segment, std::int64_t whole_test_vus)
    : stride(std::max<std::int64_t>(1, std::min(segment.count, whole_test_vus))),
      offset(segment.index - 1),
      active(segment.index <= stride) {}

ConstantArrivalRate::ConstantArrivalRate(const ExecutorConfig& config, Segment segment)
    : Executor(config, segment), stripe_(segment, config.max_vus > 0 ? config.max_vus : config.pre_allocated_vus) {
  interval_us_ = static_cast<double>(config.time_unit.count()) / static_cast<double>(config.rate);
  // Iterations g with g * interval < duration.
  whole_count_ = static_cast<std::int64_t>(std::ceil(static_cast<double>(config.duration.count()) / interval_us_ - 1e-9));
}

Micros ConstantArrivalRate::active_duration() const { return config_.duration; }

std::int64_t ConstantArrivalRate::initial_vus() const { return segment_.share(config_.pre_allocated_vus); }

std::int64_t ConstantArrivalRate::max_vus() const {
  return segment_.share(config_.max_vus > 0 ? config_.max_vus : config_.pre_allocated_vus);
}

std::optional<Micros> ConstantArrivalRate::iteration_start(std::int64_t n) const {
  if (n < 0 || !stripe_.active) return std::nullopt;
  const std::int64_t g = stripe_.global_iteration(n);
  if (g >= whole_count_) return std::nullopt;
  return Micros{static_cast<std::int64_t>(std::floor(static_cast<double>(g) * interval_us_))};
}

std::int64_t ConstantArrivalRate::planned_iterations() const { return stripe_.share(whole_count_); }

}  // namespace rsolv::loadgen::executors
