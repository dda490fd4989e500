#include "rsolv/loadgen/engine/event_loop.hpp"

#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::engine {

std::int64_t monotonic_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

EventLoop::EventLoop() {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) throw Error(std::string("epoll_create1 failed: ") + std::strerror(errno));
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(epoll_);
    throw Error(std::string("eventfd failed: ") + std::strerror(errno));
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeTag;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_fd_, &event);
}

EventLoop::~EventLoop() {
  ::close(wake_fd_);
  ::close(epoll_);
}

bool EventLoop::add(int fd, std::uint64_t tag) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.u64 = tag;
  return epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) == 0;
}

void EventLoop::remove(int fd) { epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr); }

std::span<epoll_event> EventLoop::wait(std::span<epoll_event> buffer, std::int64_t timeout_us) {
  int n;
  const int capacity = static_cast<int>(buffer.size());
  if (have_pwait2_) {
    timespec ts{};
    timespec* timeout = nullptr;
    if (timeout_us >= 0) {
      ts.tv_sec = timeout_us / 1'000'000;
      ts.tv_nsec = (timeout_us % 1'000'000) * 1000;
      timeout = &ts;
    }
#ifdef SYS_epoll_pwait2
    n = static_cast<int>(syscall(SYS_epoll_pwait2, epoll_, buffer.data(), capacity, timeout, nullptr, 0));
    if (n < 0 && errno == ENOSYS) have_pwait2_ = false;
#else
    have_pwait2_ = false;
    n = -1;
#endif
  }
  if (!have_pwait2_) {
    const int ms = timeout_us < 0 ? -1 : static_cast<int>((timeout_us + 999) / 1000);
    n = epoll_wait(epoll_, buffer.data(), capacity, ms);
  }
  if (n <= 0) return {};
  // Drop the wake-up event; it only exists to interrupt the wait.
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    if (buffer[static_cast<std::size_t>(i)].data.u64 == kWakeTag) {
      std::uint64_t value;
      [[maybe_unused]] const auto ignored = ::read(wake_fd_, &value, sizeof value);
      continue;
    }
    buffer[static_cast<std::size_t>(kept++)] = buffer[static_cast<std::size_t>(i)];
  }
  return buffer.first(static_cast<std::size_t>(kept));
}

void EventLoop::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto ignored = ::write(wake_fd_, &one, sizeof one);
}

}  // namespace rsolv::loadgen::engine
