#pragma once
// One epoll instance per worker thread. Connections are registered once, edge-triggered for
// reading and writing, so a request costs a write() and a read() and no epoll_ctl (wrk toggles
// write interest twice per request). Waits take microsecond timeouts (epoll_pwait2) so
// arrival-rate schedules start iterations on time rather than on the next millisecond.
#include <sys/epoll.h>

#include <cstdint>
#include <span>

namespace rsolv::loadgen::engine {

class EventLoop {
 public:
  EventLoop();  // throws rsolv::Error when epoll or eventfd cannot be created
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers fd for EPOLLIN | EPOLLOUT | EPOLLRDHUP, edge-triggered; `tag` comes back in events.
  bool add(int fd, std::uint64_t tag);
  void remove(int fd);
  // Waits up to timeout_us (negative: forever). Returns the events ready; a wake() from another
  // thread returns early with no events for it (its tag is kWakeTag and is filtered out).
  std::span<epoll_event> wait(std::span<epoll_event> buffer, std::int64_t timeout_us);
  // Thread-safe: makes a concurrent wait() return.
  void wake();

  static constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};

 private:
  int epoll_ = -1;
  int wake_fd_ = -1;
  bool have_pwait2_ = true;
};

// CLOCK_MONOTONIC in microseconds: the time base of every latency and schedule in a run.
std::int64_t monotonic_us();

}  // namespace rsolv::loadgen::engine
