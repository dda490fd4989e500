#include <gtest/gtest.h>

#include "rsolv/common/clock.hpp"

namespace rsolv {
namespace {

using namespace std::chrono_literals;

TEST(ManualClock, SleepingAdvancesBothClocksWithoutWaiting) {
  ManualClock clock(1700000000);
  const auto steady_before = clock.steady_now();
  clock.sleep_for(2500ms);
  EXPECT_EQ(clock.unix_seconds(), 1700000002);
  EXPECT_EQ(clock.steady_now() - steady_before, 2500ms);
  EXPECT_EQ(clock.total_slept(), 2500ms);
}

TEST(SystemClock, UnixSecondsIsAfter2024) { EXPECT_GT(SystemClock::instance().unix_seconds(), 1704067200); }

}  // namespace
}  // namespace rsolv
