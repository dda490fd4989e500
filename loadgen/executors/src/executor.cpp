#include "rsolv/loadgen/executors/executor.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "executor_types.hpp"
#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::executors {

namespace {

constexpr std::array<std::pair<ExecutorKind, std::string_view>, 6> kNames{{
    {ExecutorKind::constant_vus, "constant-vus"},
    {ExecutorKind::ramping_vus, "ramping-vus"},
    {ExecutorKind::constant_arrival_rate, "constant-arrival-rate"},
    {ExecutorKind::ramping_arrival_rate, "ramping-arrival-rate"},
    {ExecutorKind::per_vu_iterations, "per-vu-iterations"},
    {ExecutorKind::shared_iterations, "shared-iterations"},
}};

// Bounds that keep every derived number far from overflow and every run finite.
constexpr std::int64_t kMaxVus = 1'000'000;
constexpr std::int64_t kMaxRate = 1'000'000'000;
constexpr std::int64_t kMaxIterations = 1'000'000'000'000;
constexpr Micros kMaxDuration{7LL * 24 * 3600 * 1'000'000};

[[noreturn]] void invalid(const std::string& what) { throw UsageError(what); }

void check_range(std::int64_t value, std::int64_t low, std::int64_t high, const char* name) {
  if (value < low || value > high) {
    invalid(std::string(name) + " must be between " + std::to_string(low) + " and " + std::to_string(high) +
            ", got " + std::to_string(value));
  }
}

void check_duration(Micros value, bool positive, const char* name) {
  if (value < Micros{0} || (positive && value == Micros{0})) {
    invalid(std::string(name) + (positive ? " must be greater than 0" : " must not be negative"));
  }
  if (value > kMaxDuration) invalid(std::string(name) + " must be at most 168h (one week)");
}

void check_stages(const ExecutorConfig& c, std::int64_t max_target, const char* unit) {
  if (c.stages.empty()) invalid("stages must list at least one {duration, target}");
  Micros total{0};
  for (const auto& stage : c.stages) {
    check_duration(stage.duration, false, "a stage's duration");
    check_range(stage.target, 0, max_target, unit);
    total += stage.duration;
  }
  if (total == Micros{0}) invalid("the stages' durations add up to 0; give at least one a duration");
  check_duration(total, true, "the stages' total duration");
}

void check_pool(const ExecutorConfig& c) {
  check_range(c.pre_allocated_vus, 0, kMaxVus, "preAllocatedVUs");
  const auto max = c.max_vus > 0 ? c.max_vus : c.pre_allocated_vus;
  check_range(max, 1, kMaxVus, "maxVUs (or preAllocatedVUs when maxVUs is not set)");
  if (c.max_vus > 0 && c.max_vus < c.pre_allocated_vus) invalid("maxVUs must not be less than preAllocatedVUs");
}

void validate(const ExecutorConfig& c) {
  check_duration(c.start_time, false, "startTime");
  check_duration(c.graceful_stop, false, "gracefulStop");
  switch (c.kind) {
    case ExecutorKind::constant_vus:
      check_range(c.vus, 1, kMaxVus, "vus");
      check_duration(c.duration, true, "duration");
      break;
    case ExecutorKind::ramping_vus:
      check_range(c.start_vus, 0, kMaxVus, "startVUs");
      check_duration(c.graceful_ramp_down, false, "gracefulRampDown");
      check_stages(c, kMaxVus, "a stage's target VUs");
      break;
    case ExecutorKind::constant_arrival_rate:
      check_range(c.rate, 1, kMaxRate, "rate");
      check_duration(c.time_unit, true, "timeUnit");
      check_duration(c.duration, true, "duration");
      check_pool(c);
      break;
    case ExecutorKind::ramping_arrival_rate:
      check_range(c.start_rate, 0, kMaxRate, "startRate");
      check_duration(c.time_unit, true, "timeUnit");
      check_stages(c, kMaxRate, "a stage's target rate");
      check_pool(c);
      break;
    case ExecutorKind::per_vu_iterations:
      check_range(c.vus, 1, kMaxVus, "vus");
      check_range(c.iterations, 1, kMaxIterations, "iterations");
      check_duration(c.max_duration, true, "maxDuration");
      break;
    case ExecutorKind::shared_iterations:
      check_range(c.vus, 1, kMaxVus, "vus");
      check_range(c.iterations, 1, kMaxIterations, "iterations");
      check_duration(c.max_duration, true, "maxDuration");
      if (c.iterations < c.vus) {
        invalid("iterations (" + std::to_string(c.iterations) + ") must not be less than vus (" +
                std::to_string(c.vus) + "); lower vus");
      }
      break;
  }
}

}  // namespace

std::string_view to_string(ExecutorKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<ExecutorKind> executor_kind_from_string(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::unique_ptr<Executor> make_executor(const ExecutorConfig& config, Segment segment) {
  validate(config);
  switch (config.kind) {
    case ExecutorKind::constant_vus: return std::make_unique<ConstantVus>(config, segment);
    case ExecutorKind::ramping_vus: return std::make_unique<RampingVus>(config, segment);
    case ExecutorKind::constant_arrival_rate: return std::make_unique<ConstantArrivalRate>(config, segment);
    case ExecutorKind::ramping_arrival_rate: return std::make_unique<RampingArrivalRate>(config, segment);
    case ExecutorKind::per_vu_iterations: return std::make_unique<PerVuIterations>(config, segment);
    case ExecutorKind::shared_iterations: return std::make_unique<SharedIterations>(config, segment);
  }
  throw Error("unknown executor kind");
}

Segment parse_segment(std::string_view text) {
  const auto slash = text.find('/');
  auto number = [&](std::string_view part, std::int64_t& out) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  Segment segment;
  if (slash == std::string_view::npos || !number(text.substr(0, slash), segment.index) ||
      !number(text.substr(slash + 1), segment.count) || segment.count < 1 || segment.count > 1000 ||
      segment.index < 1 || segment.index > segment.count) {
    throw UsageError("invalid segment '" + std::string(text) + "': write K/N with 1 <= K <= N <= 1000, e.g. 2/4");
  }
  return segment;
}

}  // namespace rsolv::loadgen::executors
