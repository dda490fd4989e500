// ramping-vus: the number of iterating VUs follows linear stages from startVUs (k6:
// ramping_vus.go). VUs leaving during a ramp-down finish their iteration within gracefulRampDown.
#include <algorithm>

#include "executor_types.hpp"

namespace rsolv::loadgen::executors {

RampingVus::RampingVus(const ExecutorConfig& config, Segment segment) : Executor(config, segment) {
  std::int64_t peak = config.start_vus;
  for (const auto& stage : config.stages) {
    total_ += stage.duration;
    peak = std::max(peak, stage.target);
  }
  peak_ = peak;
}

Micros RampingVus::active_duration() const { return total_; }

std::int64_t RampingVus::max_vus() const { return segment_.share(peak_); }

std::int64_t RampingVus::whole_test_vus(Micros t) const {
  if (t < Micros{0}) return 0;
  std::int64_t from = config_.start_vus;
  Micros begin{0};
  for (const auto& stage : config_.stages) {
    if (t < begin + stage.duration) {
      // Linear, truncated towards the stage's starting value: a VU joins (or leaves) only once
      // the line has fully reached its number.
      const auto elapsed = (t - begin).count();
      const auto span = stage.duration.count();
      const auto delta = stage.target - from;
      return from + delta * elapsed / span;
    }
    begin += stage.duration;
    from = stage.target;
  }
  return t < total_ ? from : 0;
}

std::int64_t RampingVus::target_vus(Micros t) const {
  if (t >= total_) return 0;
  return segment_.share(whole_test_vus(t));
}

}  // namespace rsolv::loadgen::executors
