#pragma once
// When to take a short nap before waiting for responses, so they are read in batches.
//
// Why: a thread asleep in epoll_wait must be woken by the server's every write, and on a virtual
// machine (and on bare metal with deep idle states) that wake-up is a cross-CPU interrupt the
// server pays for in its own CPU time. With one nginx worker saturated, that cost alone held
// rsolv-loadgen under wrk's request rate. A thread that sleeps a few microseconds in nanosleep
// instead is not a waiter: the server's writes only queue, and the next epoll_wait collects them
// all at once, woken by this CPU's own timer.
//
// Honesty of latency: a response that arrives during the nap is read up to one nap later, so the
// nap is kept to 1/64 of the typical response time (at most kMaxNapUs) and is only taken when many
// requests are in flight, i.e. when the server has queued work and reading a batch of responses
// already delays the last one by more than that. A single connection never naps.
#include <algorithm>
#include <cstdint>

namespace rsolv::loadgen::runner {

class ResponseBatching {
 public:
  static constexpr std::int64_t kMinInFlight = 16;  // fewer requests in flight: wait as usual
  static constexpr std::int64_t kMaxNapUs = 20;
  static constexpr std::int64_t kMinNapUs = 2;      // shorter naps cost more than they save

  // Every completed response's duration (microseconds) feeds a moving average (1/16 weight).
  void observe(std::int64_t duration_us) { typical_us_ += (duration_us - typical_us_) / 16; }

  // How long to nap before a blocking wait, given the requests in flight; 0: do not nap.
  std::int64_t nap_us(std::int64_t in_flight) const {
    if (in_flight < kMinInFlight) return 0;
    const std::int64_t nap = std::min(kMaxNapUs, typical_us_ / 64);
    return nap >= kMinNapUs ? nap : 0;
  }

 private:
  std::int64_t typical_us_ = 0;
};

}  // namespace rsolv::loadgen::runner
