// per-vu-iterations: each VU runs exactly `iterations` iterations, within maxDuration (k6:
// per_vu_iterations.go).
#include "executor_types.hpp"

namespace rsolv::loadgen::executors {

PerVuIterations::PerVuIterations(const ExecutorConfig& config, Segment segment) : Executor(config, segment) {}

Micros PerVuIterations::active_duration() const { return config_.max_duration; }

std::int64_t PerVuIterations::max_vus() const { return segment_.share(config_.vus); }

std::int64_t PerVuIterations::target_vus(Micros t) const {
  return t >= Micros{0} && t < config_.max_duration ? max_vus() : 0;
}

std::int64_t PerVuIterations::iterations_per_vu() const { return config_.iterations; }

std::int64_t PerVuIterations::planned_iterations() const { return max_vus() * config_.iterations; }

}  // namespace rsolv::loadgen::executors
