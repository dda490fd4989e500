#pragma once
// Injectable time. Libraries take a Clock& so tests control "now" and sleeping.
#include <chrono>
#include <cstdint>
#include <mutex>

namespace rsolv {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (for signatures, timestamps, rate-limit windows).
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Monotonic time (for latencies and deadlines).
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
  virtual void sleep_for(std::chrono::nanoseconds duration) = 0;

  std::int64_t unix_seconds() const;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  void sleep_for(std::chrono::nanoseconds duration) override;
  // One shared instance: it has no state, so this is not global mutable state.
  static SystemClock& instance();
};

// A clock for tests: time only moves when told to, and sleeping advances it instantly.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t unix_seconds = 1700000000);
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  void sleep_for(std::chrono::nanoseconds duration) override;
  void advance(std::chrono::nanoseconds duration);
  std::chrono::nanoseconds total_slept() const;

 private:
  mutable std::mutex mutex_;
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point steady_;
  std::chrono::nanoseconds slept_{0};
};

}  // namespace rsolv
