// shared-iterations: `iterations` in total, taken by whichever VU is free first, within
// maxDuration (k6: shared_iterations.go).
#include "executor_types.hpp"

namespace rsolv::loadgen::executors {

// The whole test's iterations go round-robin over its VUs (iteration g to VU (g mod vus) + 1), and a
// segment owns the iterations of its VUs: segments without a VU get none, and the shares add up to
// `iterations` exactly. Which VU of the segment then takes which iteration is still first come.
SharedIterations::SharedIterations(const ExecutorConfig& config, Segment segment) : Executor(config, segment) {
  const std::int64_t vus = config.vus;
  const std::int64_t total = config.iterations;
  for (std::int64_t i = segment.index - 1; i < vus; i += segment.count) {
    if (i < total) share_ += (total - i + vus - 1) / vus;
  }
}

Micros SharedIterations::active_duration() const { return config_.max_duration; }

std::int64_t SharedIterations::max_vus() const { return segment_.share(config_.vus); }

std::int64_t SharedIterations::target_vus(Micros t) const {
  return t >= Micros{0} && t < config_.max_duration ? max_vus() : 0;
}

std::int64_t SharedIterations::shared_iterations() const { return share_; }

std::int64_t SharedIterations::planned_iterations() const { return shared_iterations(); }

}  // namespace rsolv::loadgen::executors
