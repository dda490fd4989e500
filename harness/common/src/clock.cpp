#include "rsolv/common/clock.hpp"

#include <thread>

namespace rsolv {

std::int64_t Clock::unix_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

std::chrono::system_clock::time_point SystemClock::now() const { return std::chrono::system_clock::now(); }
std::chrono::steady_clock::time_point SystemClock::steady_now() const { return std::chrono::steady_clock::now(); }
void SystemClock::sleep_for(std::chrono::nanoseconds duration) {
  if (duration > std::chrono::nanoseconds::zero()) std::this_thread::sleep_for(duration);
}
SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

ManualClock::ManualClock(std::int64_t unix_seconds)
    : wall_(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds))) {}

std::chrono::system_clock::time_point ManualClock::now() const {
  std::lock_guard lock(mutex_);
  return wall_;
}
std::chrono::steady_clock::time_point ManualClock::steady_now() const {
  std::lock_guard lock(mutex_);
  return steady_;
}
void ManualClock::sleep_for(std::chrono::nanoseconds duration) {
  std::lock_guard lock(mutex_);
  if (duration <= std::chrono::nanoseconds::zero()) return;
  slept_ += duration;
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
  steady_ += duration;
}
void ManualClock::advance(std::chrono::nanoseconds duration) {
  std::lock_guard lock(mutex_);
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
  steady_ += duration;
}
std::chrono::nanoseconds ManualClock::total_slept() const {
  std::lock_guard lock(mutex_);
  return slept_;
}

}  // namespace rsolv
