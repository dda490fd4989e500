#include <gtest/gtest.h>

#include "rsolv/http/client.hpp"

namespace rsolv::http {
namespace {

using namespace std::chrono_literals;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));

TEST(RetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120", kNow), 120000ms);
  EXPECT_EQ(parse_retry_after(" 0 ", kNow), 0ms);
}

TEST(RetryAfter, HttpDateFormats) {
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", kNow), 10000ms);
  EXPECT_EQ(parse_retry_after("Tuesday, 14-Nov-23 22:13:30 GMT", kNow), 10000ms);
  EXPECT_EQ(parse_retry_after("Tue Nov 14 22:13:30 2023", kNow), 10000ms);
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", kNow), 0ms) << "dates in the past mean now";
}

TEST(RetryAfter, GarbageIsIgnored) {
  EXPECT_FALSE(parse_retry_after("", kNow));
  EXPECT_FALSE(parse_retry_after("soon", kNow));
  EXPECT_FALSE(parse_retry_after("12abc", kNow));
  EXPECT_FALSE(parse_retry_after("-5", kNow));
}

TEST(Backoff, FullJitterStaysUnderTheExponentialCap) {
  ClientOptions options;
  options.retry.base_delay = 100ms;
  options.retry.max_delay = 1000ms;
  Client client(options, SystemClock::instance(), Random(42));
  for (int retry = 1; retry <= 8; ++retry) {
    const auto cap = std::min<std::int64_t>(1000, 100LL << (retry - 1));
    std::int64_t largest = 0;
    for (int i = 0; i < 200; ++i) {
      const auto delay = client.backoff_delay(retry, std::nullopt).count();
      EXPECT_GE(delay, 0);
      EXPECT_LE(delay, cap);
      largest = std::max(largest, delay);
    }
    EXPECT_GT(largest, cap / 2) << "jitter spreads over the whole window";
  }
}

TEST(Backoff, RetryAfterWinsOverTheExponential) {
  Client client({}, SystemClock::instance(), Random(1));
  EXPECT_EQ(client.backoff_delay(5, 2500ms), 2500ms);
}

TEST(LogRedaction, SecretHeadersAreRedactedCaseInsensitively) {
  const Request request{"POST", "http://127.0.0.1/x", {{"X-API-KEY", "rsolv_abc"}, {"Content-Type", "application/json"}}, "{}"};
  const auto line = describe_for_log(request, ClientOptions{}.secret_headers);
  EXPECT_EQ(line, "POST http://127.0.0.1/x X-API-KEY: [redacted] Content-Type: application/json");
}

}  // namespace
}  // namespace rsolv::http
