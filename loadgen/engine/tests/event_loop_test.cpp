// The worker thread's clock, wake-ups and timers.
#include <gtest/gtest.h>

#include <array>
#include <thread>

#include "rsolv/loadgen/engine/event_loop.hpp"
#include "rsolv/loadgen/engine/timer_heap.hpp"

namespace rsolv::loadgen::engine {
namespace {

TEST(EventLoop, WaitsAboutTheMicrosecondsAskedFor) {
  EventLoop loop;
  std::array<epoll_event, 4> events{};
  const auto start = monotonic_us();
  EXPECT_TRUE(loop.wait(events, 20'000).empty());
  const auto waited = monotonic_us() - start;
  EXPECT_GE(waited, 19'000);
  EXPECT_LT(waited, 200'000);
}

TEST(EventLoop, WakeFromAnotherThreadEndsAWaitWithoutAnEvent) {
  EventLoop loop;
  std::array<epoll_event, 4> events{};
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    loop.wake();
  });
  const auto start = monotonic_us();
  EXPECT_TRUE(loop.wait(events, 5'000'000).empty());
  EXPECT_LT(monotonic_us() - start, 2'000'000);
  waker.join();
}

TEST(TimerHeap, PopsDueTimersInTimeOrderOnly) {
  TimerHeap timers;
  timers.push({300, 3, 0});
  timers.push({100, 1, 0});
  timers.push({200, 2, 7});
  EXPECT_EQ(timers.next_at(), 100);
  EXPECT_FALSE(timers.pop_due(99).has_value());
  const auto first = timers.pop_due(250);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->owner, 1u);
  const auto second = timers.pop_due(250);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->owner, 2u);
  EXPECT_EQ(second->generation, 7u);
  EXPECT_FALSE(timers.pop_due(250).has_value());
  EXPECT_EQ(timers.size(), 1u);
}

}  // namespace
}  // namespace rsolv::loadgen::engine
