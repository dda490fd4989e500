#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "rsolv/metrics/counters.hpp"

namespace rsolv::metrics {
namespace {

TEST(Counters, CounterAddsFromManyThreads) {
  Counter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { for (int i = 0; i < 10000; ++i) counter.add(); });
  for (auto& thread : threads) thread.join();
  EXPECT_DOUBLE_EQ(counter.value(), 40000);
}

TEST(Counters, RateIsTheShareOfHits) {
  Rate rate;
  EXPECT_EQ(rate.rate(), 0.0);
  for (int i = 0; i < 100; ++i) rate.add(i % 4 == 0);
  EXPECT_EQ(rate.hits(), 25);
  EXPECT_EQ(rate.total(), 100);
  EXPECT_DOUBLE_EQ(rate.rate(), 0.25);
}

TEST(Counters, GaugeSetsAndMoves) {
  Gauge gauge;
  gauge.set(10);
  gauge.add(-3);
  EXPECT_DOUBLE_EQ(gauge.value(), 7);
}

}  // namespace
}  // namespace rsolv::metrics
