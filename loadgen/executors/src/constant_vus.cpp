// constant-vus: a fixed number of VUs iterate back to back for `duration` (k6: constant_vus.go).
#include "executor_types.hpp"

namespace rsolv::loadgen::executors {

ConstantVus::ConstantVus(const ExecutorConfig& config, Segment segment) : Executor(config, segment) {}

Micros ConstantVus::active_duration() const { return config_.duration; }

std::int64_t ConstantVus::max_vus() const { return segment_.share(config_.vus); }

std::int64_t ConstantVus::target_vus(Micros t) const {
  return t >= Micros{0} && t < config_.duration ? max_vus() : 0;
}

}  // namespace rsolv::loadgen::executors
