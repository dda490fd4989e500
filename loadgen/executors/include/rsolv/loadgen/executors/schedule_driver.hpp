#pragma once
// Turns an executor's pure schedule into what one worker thread must do now, reading time from an
// injected rsolv::Clock (a ManualClock in tests, the system clock in a run). A segment's work is
// striped over threads the same way segments are striped over machines: this thread owns the
// segment's VUs i and iterations n with i, n ≡ thread (mod threads). Only as many threads take
// part as the segment has VUs (a 1-VU segment on a 2-thread machine runs on thread 0 alone), so
// no thread is handed iterations without a VU to run them; the others are idle().
#include <chrono>
#include <cstdint>
#include <optional>

#include "rsolv/common/clock.hpp"
#include "rsolv/loadgen/executors/executor.hpp"

namespace rsolv::loadgen::executors {

class ScheduleDriver {
 public:
  ScheduleDriver(const Executor& executor, const Clock& clock, int thread = 0, int threads = 1);

  // Executor time zero (the test's start plus the scenario's startTime).
  void start(std::chrono::steady_clock::time_point zero);
  std::chrono::steady_clock::time_point zero() const { return zero_; }
  // Time since zero on the injected clock (negative before the scenario starts).
  Micros elapsed() const;

  bool started() const { return elapsed() >= Micros{0}; }
  // This thread has no share of this executor (more threads than VUs).
  bool idle() const { return thread_ >= threads_; }
  // New iterations may start (started and before active_duration).
  bool active() const;
  // Past active_duration + gracefulStop: whatever still runs is interrupted.
  bool over() const;

  // VU slots of this thread: slot s is the segment's VU s * threads + thread.
  std::int64_t slots() const { return stripe(executor_.max_vus()); }
  std::int64_t initial_slots() const { return stripe(executor_.initial_vus()); }
  std::int64_t global_vu(std::int64_t slot) const;

  // Looping executors: how many of this thread's slots should iterate now (0 when not active).
  std::int64_t target_slots() const;

  // Arrival-rate executors: the intended time (since zero) of this thread's next iteration not yet
  // taken, whether or not it is due; nullopt when the schedule is exhausted.
  std::optional<Micros> next_arrival() const;
  // Takes the next iteration if it is due now; returns its intended time. Iterations that are due
  // but not taken (no free VU) stay queued, so their latency later counts from the intended time.
  std::optional<Micros> take_due();
  // Iterations of this thread's schedule not taken so far (dropped when the scenario ends).
  std::int64_t untaken() const;
  // Iterations of this thread's schedule that are due now and not yet taken.
  std::int64_t backlog() const;
  std::int64_t planned() const;

 private:
  std::int64_t stripe(std::int64_t count) const {
    return idle() || count <= thread_ ? 0 : (count - thread_ + threads_ - 1) / threads_;
  }

  const Executor& executor_;
  const Clock& clock_;
  std::int64_t thread_;
  std::int64_t threads_;
  std::chrono::steady_clock::time_point zero_{};
  std::int64_t next_n_;  // segment-local iteration number of the next one to take
  std::int64_t taken_ = 0;
};

}  // namespace rsolv::loadgen::executors
