#pragma once
// Executors decide WHEN iterations run, as k6's do (lib/executor/*.go): one class per executor
// behind this interface, one file each. They are pure functions of elapsed time (no clock, no
// threads), so their schedules are unit-testable exactly; the worker threads and ScheduleDriver
// turn them into actions. Every executor is built for one execution segment (--segment K/N) so
// that N machines together run exactly the whole test.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsolv/loadgen/executors/segment.hpp"

namespace rsolv::loadgen::executors {

using Micros = std::chrono::microseconds;

enum class ExecutorKind {
  constant_vus,
  ramping_vus,
  constant_arrival_rate,
  ramping_arrival_rate,
  per_vu_iterations,
  shared_iterations,
};

std::string_view to_string(ExecutorKind kind);
std::optional<ExecutorKind> executor_kind_from_string(std::string_view name);

struct Stage {
  Micros duration{0};
  std::int64_t target = 0;  // VUs (ramping-vus) or iterations per time unit (ramping-arrival-rate)
};

// The options of every executor, k6's names in comments; the parser fills what applies.
struct ExecutorConfig {
  ExecutorKind kind = ExecutorKind::constant_vus;
  Micros start_time{0};                     // startTime
  Micros graceful_stop{30'000'000};         // gracefulStop
  std::int64_t vus = 1;                     // vus
  Micros duration{0};                       // duration
  std::int64_t start_vus = 1;               // startVUs
  std::vector<Stage> stages;                // stages
  Micros graceful_ramp_down{30'000'000};    // gracefulRampDown
  std::int64_t rate = 0;                    // rate
  std::int64_t start_rate = 0;              // startRate
  Micros time_unit{1'000'000};              // timeUnit
  std::int64_t pre_allocated_vus = 0;       // preAllocatedVUs
  std::int64_t max_vus = 0;                 // maxVUs (0: = preAllocatedVUs)
  std::int64_t iterations = 1;              // iterations
  Micros max_duration{600'000'000};         // maxDuration
};

class Executor {
 public:
  explicit Executor(const ExecutorConfig& config, Segment segment) : config_(config), segment_(segment) {}
  virtual ~Executor() = default;

  const ExecutorConfig& config() const { return config_; }
  const Segment& segment() const { return segment_; }
  ExecutorKind kind() const { return config_.kind; }

  // No iteration starts at or after this time (relative to the executor's own start).
  virtual Micros active_duration() const = 0;
  // Iterations still running at active_duration() may finish until then; later they are interrupted.
  Micros hard_stop() const { return active_duration() + config_.graceful_stop; }
  // VUs of this segment: allocated up front (pre-allocated) and at most (max). This segment's
  // i-th VU is VU number segment().global_vu(i) of the whole test.
  virtual std::int64_t initial_vus() const { return max_vus(); }
  virtual std::int64_t max_vus() const = 0;

  // --- looping executors (closed model): VUs iterate back to back -------------------------------
  virtual bool arrival_rate() const { return false; }
  // VUs that should be iterating at t (0 <= t < active_duration()).
  virtual std::int64_t target_vus(Micros t) const { (void)t; return 0; }
  // Iterations each VU runs at most (per-vu-iterations); -1: unbounded.
  virtual std::int64_t iterations_per_vu() const { return -1; }
  // Iterations all VUs of the segment share (shared-iterations); -1: unbounded.
  virtual std::int64_t shared_iterations() const { return -1; }

  // --- arrival-rate executors (open model): iterations start on a schedule ---------------------
  // Intended start of this segment's n-th iteration (n from 0), nullopt when it would fall at or
  // after active_duration().
  virtual std::optional<Micros> iteration_start(std::int64_t n) const { (void)n; return std::nullopt; }

  // Iterations this segment plans (arrival-rate, per-vu and shared iterations); -1 when that
  // depends on how fast the target answers (looping executors).
  virtual std::int64_t planned_iterations() const { return -1; }

 protected:
  ExecutorConfig config_;
  Segment segment_;
};

// Validates the configuration (throws rsolv::UsageError with the reason) and builds the executor
// for one segment.
std::unique_ptr<Executor> make_executor(const ExecutorConfig& config, Segment segment = {});

}  // namespace rsolv::loadgen::executors
