#include <gtest/gtest.h>

#include "rsolv/common/error.hpp"
#include "rsolv/config/duration.hpp"

namespace rsolv::config {
namespace {

using std::chrono::microseconds;
using namespace std::chrono_literals;

TEST(Duration, ParsesEveryUnitAndCombination) {
  EXPECT_EQ(parse_duration("30s"), microseconds(30s));
  EXPECT_EQ(parse_duration("1m30s"), microseconds(90s));
  EXPECT_EQ(parse_duration("250ms"), microseconds(250ms));
  EXPECT_EQ(parse_duration("500us"), microseconds(500));
  EXPECT_EQ(parse_duration("1h"), microseconds(1h));
  EXPECT_EQ(parse_duration("2.5s"), microseconds(2500ms));
  EXPECT_EQ(parse_duration("1h2m3s4ms"), microseconds(1h + 2min + 3s + 4ms));
  EXPECT_EQ(parse_duration("0s"), microseconds(0));
}

class MalformedDuration : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(MalformedDuration, IsRejectedWithTheReason) {
  const auto& [text, reason] = GetParam();
  try {
    parse_duration(text);
    FAIL() << "accepted '" << text << "'";
  } catch (const UsageError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("invalid duration '" + text + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(reason), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Config, MalformedDuration,
    ::testing::Values(std::pair{std::string(""), std::string("empty")}, std::pair{std::string("10"), std::string("no unit")},
                      std::pair{std::string("-1s"), std::string("negative")},
                      std::pair{std::string("1x"), std::string("unknown unit 'x'")},
                      std::pair{std::string("s"), std::string("expected a number")},
                      std::pair{std::string("1m30"), std::string("'30' has no unit")},
                      std::pair{std::string("1.5.2s"), std::string("not a number")},
                      std::pair{std::string("99999999999999h"), std::string("too long")},
                      std::pair{std::string("1 s"), std::string("unknown unit")},
                      std::pair{std::string("1h30"), std::string("'30' has no unit")},
                      std::pair{std::string("1e3s"), std::string("unknown unit 'e'")},
                      std::pair{std::string(".s"), std::string("'.' is not a number")},
                      std::pair{std::string("1m-5s"), std::string("unknown unit 'm-'")},
                      std::pair{std::string("5sec"), std::string("unknown unit 'sec'")},
                      std::pair{std::string("9223372036854775807us"), std::string("too long")},
                      std::pair{std::string("100000h1us"), std::string("too long (the limit is 100000h)")}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Duration, FractionsAndMicroUnits) {
  EXPECT_EQ(parse_duration("1.5m"), microseconds(90s));
  EXPECT_EQ(parse_duration("0.5ms"), microseconds(500));
  EXPECT_EQ(parse_duration("1s500ms"), microseconds(1500ms));
  EXPECT_EQ(parse_duration("750\xC2\xB5s"), microseconds(750));  // "µs" in UTF-8
  EXPECT_EQ(parse_duration("24h"), microseconds(24h));
}

TEST(Duration, BareNumberMessageSaysToAddAUnit) {
  // k6 requires a unit too; "10" could mean seconds or milliseconds, so it is refused.
  try {
    parse_duration("10");
    FAIL() << "accepted a bare number";
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(),
                 "invalid duration '10': '10' has no unit (examples: 250ms, 30s, 1m30s, 2h; units us, ms, s, m, h)");
  }
}

TEST(Duration, FormatKeepsMicrosecondsAboveOneSecond) {
  EXPECT_EQ(format_duration(microseconds(1000001)), "1.000001s");
  EXPECT_EQ(format_duration(microseconds(61s) + microseconds(250)), "1m1.00025s");
  EXPECT_EQ(format_duration(microseconds(-1500ms)), "-1.5s");
}

TEST(Duration, FormatsReadably) {
  EXPECT_EQ(format_duration(microseconds(90s)), "1m30s");
  EXPECT_EQ(format_duration(microseconds(250ms)), "250ms");
  EXPECT_EQ(format_duration(microseconds(1h)), "1h");
  EXPECT_EQ(format_duration(microseconds(2500ms)), "2.5s");
  EXPECT_EQ(format_duration(microseconds(0)), "0s");
  EXPECT_EQ(format_duration(microseconds(42)), "42us");
}

TEST(Duration, FormatRoundTripsThroughParse) {
  for (auto us : {microseconds(1), microseconds(1500), microseconds(61s), microseconds(3725s), microseconds(1250ms),
                  microseconds(1000001), microseconds(3600000001), microseconds(86400s)}) {
    EXPECT_EQ(parse_duration(format_duration(us)), us) << format_duration(us);
  }
}

TEST(Rate, ParsesCountPerPeriod) {
  EXPECT_DOUBLE_EQ(parse_rate("50/s").per_second(), 50);
  EXPECT_DOUBLE_EQ(parse_rate("1000/1m").per_second(), 1000.0 / 60);
  EXPECT_DOUBLE_EQ(parse_rate("10/3600s").per_second(), 10.0 / 3600);
  EXPECT_DOUBLE_EQ(parse_rate("100/1h").per_second(), 100.0 / 3600);
  EXPECT_DOUBLE_EQ(parse_rate("500/m").per_second(), 500.0 / 60);
  EXPECT_EQ(parse_rate("1000/1m").period, microseconds(60s));
}

TEST(Rate, FractionalCountsAndSubSecondPeriods) {
  EXPECT_DOUBLE_EQ(parse_rate("1.5/s").per_second(), 1.5);
  EXPECT_DOUBLE_EQ(parse_rate("2/500ms").per_second(), 4);
  EXPECT_DOUBLE_EQ(parse_rate("10/0.5s").per_second(), 20);
  EXPECT_DOUBLE_EQ(parse_rate("1/1m30s").per_second(), 1.0 / 90);
}

class MalformedRate : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(MalformedRate, IsRejectedWithTheReason) {
  const auto& [text, reason] = GetParam();
  try {
    parse_rate(text);
    FAIL() << "accepted '" << text << "'";
  } catch (const UsageError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(reason), std::string::npos) << message;
    EXPECT_NE(message.find("examples"), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Config, MalformedRate,
    ::testing::Values(std::pair{std::string("50"), std::string("COUNT/PERIOD")},
                      std::pair{std::string("/s"), std::string("count is missing")},
                      std::pair{std::string("0/s"), std::string("must be positive")},
                      std::pair{std::string("1e80/s"), std::string("larger than 1000000000 (the limit)")},
                      std::pair{std::string("-5/s"), std::string("must be positive")},
                      std::pair{std::string("10/0s"), std::string("longer than zero")},
                      std::pair{std::string("abc/s"), std::string("not a number")},
                      std::pair{std::string("10/"), std::string("period is missing")},
                      std::pair{std::string("10/fortnight"), std::string("not a period")},
                      std::pair{std::string("5/-1s"), std::string("not a period")},
                      std::pair{std::string("10/s/s"), std::string("not a period")},
                      std::pair{std::string("inf/s"), std::string("not a number")},
                      std::pair{std::string("nan/s"), std::string("not a number")},
                      std::pair{std::string(" 50/s"), std::string("not a number")},
                      std::pair{std::string("50/s "), std::string("not a period")},
                      std::pair{std::string(""), std::string("COUNT/PERIOD")}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

}  // namespace
}  // namespace rsolv::config
