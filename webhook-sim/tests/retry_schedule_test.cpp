#include <gtest/gtest.h>

#include "rsolv/common/error.hpp"
#include "rsolv/webhook_sim/retry_schedule.hpp"

namespace rsolv::webhook_sim {
namespace {

using namespace std::chrono_literals;

TEST(RetrySchedule, LiveModeBacksOffForUpToThreeDays) {
  const auto gaps = retry_gaps(RetryMode::live);
  ASSERT_GE(gaps.size(), 8u);
  std::chrono::seconds total{0};
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(gaps[i], gaps[i - 1]) << "gaps never shrink";
    }
    total += gaps[i];
  }
  EXPECT_LE(total, std::chrono::seconds(72h));
  EXPECT_GT(total, std::chrono::seconds(60h)) << "retries span most of the three days";
  EXPECT_EQ(gaps.front(), std::chrono::seconds(1min));
}

TEST(RetrySchedule, TestModeRetriesThreeTimesOverAFewHours) {
  const auto gaps = retry_gaps(RetryMode::test);
  ASSERT_EQ(gaps.size(), 3u);
  std::chrono::seconds total{0};
  for (auto gap : gaps) total += gap;
  EXPECT_GE(total, std::chrono::seconds(1h));
  EXPECT_LE(total, std::chrono::seconds(6h));
  EXPECT_TRUE(retry_gaps(RetryMode::off).empty());
}

TEST(RetrySchedule, TimeCompressionDividesGaps) {
  EXPECT_EQ(compressed(std::chrono::seconds(1h), 3600), std::chrono::microseconds(1s));
  EXPECT_EQ(compressed(std::chrono::seconds(1min), 1), std::chrono::microseconds(1min));
  EXPECT_THROW(compressed(std::chrono::seconds(1), 0), rsolv::UsageError);
  EXPECT_THROW(compressed(std::chrono::seconds(1), -5), rsolv::UsageError);
  EXPECT_THROW(parse_retry_mode("sometimes"), rsolv::UsageError);
}

}  // namespace
}  // namespace rsolv::webhook_sim
