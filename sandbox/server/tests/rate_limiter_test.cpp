// The fixed-window limiter with a manual clock: counts, window ends, Retry-After, key isolation,
// thread safety, and the N/SECONDS parser.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/sandbox/server/rate_limiter.hpp"

namespace rsolv::sandbox::server {
namespace {

TEST(RateLimiter, AllowsTheLimitThenRefusesUntilTheWindowEnds) {
  ManualClock clock(3600 * 1000 + 100);  // 100 s into an hour-aligned window
  FixedWindowLimiter limiter({3, 3600}, clock);
  for (int i = 0; i < 3; ++i) {
    const auto decision = limiter.hit("k");
    EXPECT_TRUE(decision.allowed);
    EXPECT_EQ(decision.remaining, 2 - i);
    EXPECT_EQ(decision.reset_unix, 3600 * 1001);
  }
  const auto refused = limiter.hit("k");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after, 3500);

  clock.advance(std::chrono::seconds(3500));  // the next window starts
  const auto again = limiter.hit("k");
  EXPECT_TRUE(again.allowed);
  EXPECT_EQ(again.remaining, 2);
  EXPECT_EQ(again.reset_unix, 3600 * 1002);
}

TEST(RateLimiter, KeysHaveSeparateWindows) {
  ManualClock clock;
  FixedWindowLimiter limiter({1, 60}, clock);
  EXPECT_TRUE(limiter.hit("a").allowed);
  EXPECT_FALSE(limiter.hit("a").allowed);
  EXPECT_TRUE(limiter.hit("b").allowed);
}

TEST(RateLimiter, RetryAfterIsAtLeastOneSecond) {
  ManualClock clock(59);
  FixedWindowLimiter limiter({1, 60}, clock);
  limiter.hit("a");
  clock.advance(std::chrono::milliseconds(900));  // still inside second 59
  EXPECT_EQ(limiter.hit("a").retry_after, 1);
}

TEST(RateLimiter, ConcurrentHitsNeverExceedTheLimit) {
  ManualClock clock;
  FixedWindowLimiter limiter({500, 3600}, clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (limiter.hit("shared").allowed) allowed.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 500);
}

TEST(RateLimitParse, AcceptsCountPerSecondsAndUnits) {
  EXPECT_EQ(parse_rate_limit("500/3600").limit, 500);
  EXPECT_EQ(parse_rate_limit("500/3600").window_seconds, 3600);
  EXPECT_EQ(parse_rate_limit("10/1h").window_seconds, 3600);
  EXPECT_EQ(parse_rate_limit("10/90s").window_seconds, 90);
  EXPECT_EQ(parse_rate_limit("7/m").window_seconds, 60);
}

TEST(RateLimitParse, RefusesNonsenseWithTheText) {
  for (const char* bad : {"", "500", "0/60", "-1/60", "5/0", "a/60", "5/abc", "1.5/60", "5/1500ms"}) {
    try {
      parse_rate_limit(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const UsageError& error) {
      EXPECT_NE(std::string(error.what()).find("invalid rate limit"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace rsolv::sandbox::server
