// The compare library's rules on their own: how limits read (the sign is the worse direction) and
// the sample counts a statistic needs before it is judged.
#include <gtest/gtest.h>

#include <cmath>

#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/compare/compare.hpp"

namespace rsolv::loadgen::compare {
namespace {

TEST(Limits, TheSignSaysWhichDirectionIsWorse) {
  const auto rise = parse_limit("http_req_duration p(95)=10%");
  EXPECT_EQ(rise.metric, "http_req_duration");
  EXPECT_EQ(rise.stat, "p(95)");
  EXPECT_FALSE(rise.lower_is_worse);
  EXPECT_DOUBLE_EQ(rise.percent, 10);
  EXPECT_FALSE(parse_limit("http_req_duration avg=+2.5%").lower_is_worse);
  const auto fall = parse_limit("http_reqs{scenario:api} rate=-5%");
  EXPECT_TRUE(fall.lower_is_worse);
  EXPECT_EQ(fall.selector, "http_reqs{scenario:api}");
  EXPECT_EQ(fall.filter, (metrics::Tags{{"scenario", "api"}}));
  for (const char* bad : {"http_reqs rate", "http_reqs=5%", "http_reqs rate=5", "http_reqs rate=x%", "http_reqs rate=1001%",
                          "http_reqs p(x)=5%"}) {
    EXPECT_THROW(parse_limit(bad), UsageError) << bad;
  }
}

// The documented rule, checked as a property: at the count returned the 95 % confidence interval's
// upper rank fits in the sample, one sample fewer it does not (above the floor of kMinSamples).
TEST(Samples, APercentileNeedsItsConfidenceIntervalInsideTheSample) {
  const auto fits = [](double n, double q) { return n * (1 - q) >= 1.96 * std::sqrt(n * q * (1 - q)) + 1; };
  for (const double p : {75.0, 90.0, 95.0, 99.0, 99.9}) {
    metrics::ThresholdCondition c = metrics::parse_condition("p(" + std::to_string(p) + ")<0");
    const auto n = samples_needed(c);
    EXPECT_GE(n, kMinSamples);
    EXPECT_TRUE(fits(static_cast<double>(n), p / 100)) << p;
    if (n > kMinSamples) {
      EXPECT_FALSE(fits(static_cast<double>(n - 1), p / 100)) << p;
    }
  }
  EXPECT_EQ(samples_needed(metrics::parse_condition("avg<0")), kMinSamples);
  EXPECT_EQ(samples_needed(metrics::parse_condition("med<0")), kMinSamples);
  EXPECT_LT(samples_needed(metrics::parse_condition("p(95)<0")), samples_needed(metrics::parse_condition("p(99)<0")));
}

}  // namespace
}  // namespace rsolv::loadgen::compare
