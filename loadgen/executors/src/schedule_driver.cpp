#include "rsolv/loadgen/executors/schedule_driver.hpp"

#include <algorithm>

namespace rsolv::loadgen::executors {

namespace {

// Threads that take part: never more than the segment's VUs, at least one.
std::int64_t participating(const Executor& executor, int threads) {
  const std::int64_t wanted = threads < 1 ? 1 : threads;
  const std::int64_t vus = executor.max_vus();
  return std::max<std::int64_t>(1, std::min(wanted, vus));
}

}  // namespace

ScheduleDriver::ScheduleDriver(const Executor& executor, const Clock& clock, int thread, int threads)
    : executor_(executor), clock_(clock), thread_(thread), threads_(participating(executor, threads)), next_n_(thread) {}

void ScheduleDriver::start(std::chrono::steady_clock::time_point zero) { zero_ = zero; }

Micros ScheduleDriver::elapsed() const {
  return std::chrono::duration_cast<Micros>(clock_.steady_now() - zero_);
}

bool ScheduleDriver::active() const {
  const auto t = elapsed();
  return t >= Micros{0} && t < executor_.active_duration();
}

bool ScheduleDriver::over() const { return elapsed() >= executor_.hard_stop(); }

std::int64_t ScheduleDriver::global_vu(std::int64_t slot) const {
  return executor_.segment().global_vu(slot * threads_ + thread_);
}

std::int64_t ScheduleDriver::target_slots() const {
  const auto t = elapsed();
  if (t < Micros{0} || t >= executor_.active_duration()) return 0;
  return stripe(executor_.target_vus(t));
}

std::optional<Micros> ScheduleDriver::next_arrival() const {
  if (idle()) return std::nullopt;
  return executor_.iteration_start(next_n_);
}

std::optional<Micros> ScheduleDriver::take_due() {
  if (idle()) return std::nullopt;
  const auto at = executor_.iteration_start(next_n_);
  if (!at || *at > elapsed()) return std::nullopt;
  next_n_ += threads_;
  ++taken_;
  return at;
}

std::int64_t ScheduleDriver::planned() const { return stripe(executor_.planned_iterations()); }

std::int64_t ScheduleDriver::untaken() const {
  if (!executor_.arrival_rate()) return 0;
  return planned() - taken_;
}

std::int64_t ScheduleDriver::backlog() const {
  if (idle()) return 0;
  const auto now = elapsed();
  std::int64_t count = 0;
  for (std::int64_t n = next_n_;; n += threads_) {
    const auto at = executor_.iteration_start(n);
    if (!at || *at > now) break;
    ++count;
  }
  return count;
}

}  // namespace rsolv::loadgen::executors
