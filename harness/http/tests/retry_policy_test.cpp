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

TEST(RetryAfter, HttpDateDetails) {
  EXPECT_EQ(parse_retry_after("Tue Nov  4 22:13:30 2025", kNow)->count(), (1762294410LL - 1700000000LL) * 1000)
      << "asctime pads a one-digit day with a space";
  EXPECT_EQ(parse_retry_after("Fri, 01 Mar 2024 00:00:00 GMT", kNow)->count(), (1709251200LL - 1700000000LL) * 1000);
  EXPECT_EQ(parse_retry_after("Thu, 29 Feb 2024 00:00:00 GMT", kNow)->count(), (1709164800LL - 1700000000LL) * 1000)
      << "leap day";
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", kNow), 0ms) << "two-digit year 94 is 1994, in the past";
  EXPECT_EQ(parse_retry_after("Monday, 01-Jan-24 00:00:00 GMT", kNow)->count(), (1704067200LL - 1700000000LL) * 1000);
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:20 GMT", kNow), 0ms);
  EXPECT_EQ(parse_retry_after("86400000000", kNow), std::chrono::milliseconds(365LL * 24 * 3600 * 1000))
      << "absurd delays are capped, not overflowed";
}

// system_clock counts nanoseconds in an int64, which runs out in April 2262: dates after that used
// to overflow (UBSan: signed integer overflow) and came out as "retry now".
TEST(RetryAfter, DatesAfter2262AreFarAwayNotOverflowed) {
  EXPECT_EQ(parse_retry_after("Wed, 12 Apr 2262 00:00:00 GMT", kNow)->count(), (9223372800LL - 1700000000LL) * 1000);
  EXPECT_EQ(parse_retry_after("Mon, 01 Jan 2300 00:00:00 GMT", kNow)->count(), (10413792000LL - 1700000000LL) * 1000);
  EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow)->count(), (253402300799LL - 1700000000LL) * 1000);
  EXPECT_EQ(parse_retry_after("Fri Dec 31 23:59:59 9999", kNow)->count(), (253402300799LL - 1700000000LL) * 1000);
}

TEST(RetryAfter, GarbageIsIgnored) {
  EXPECT_FALSE(parse_retry_after("", kNow));
  EXPECT_FALSE(parse_retry_after("soon", kNow));
  EXPECT_FALSE(parse_retry_after("12abc", kNow));
  EXPECT_FALSE(parse_retry_after("-5", kNow));
  EXPECT_FALSE(parse_retry_after("+5", kNow));
  EXPECT_FALSE(parse_retry_after("1.5", kNow));
}

TEST(RetryAfter, MalformedDatesAreIgnored) {
  for (const char* value : {
           "Tue, 14 Nov 2023 22:13:30 UTC",    // not GMT
           "Tue, 14 Nov 2023 24:00:00 GMT",    // hour
           "Tue, 14 Nov 2023 22:60:00 GMT",    // minute
           "Tue, 14 Nov 2023 22:13:61 GMT",    // second
           "Tue, 31 Feb 2023 22:13:30 GMT",    // no such day
           "Tue, 29 Feb 2023 22:13:30 GMT",    // not a leap year
           "Tue, 14 Nov 23 22:13:30 GMT",      // IMF-fixdate needs four digits
           "Tue, 4 Nov 2023 22:13:30 GMT",     // and a two-digit day
           "Tue, 14 Nvm 2023 22:13:30 GMT",    // month
           "Tsd, 14 Nov 2023 22:13:30 GMT",    // weekday
           "14 Nov 2023 22:13:30 GMT",         // no weekday
           "Tue, 14 Nov 2023 22:13 GMT",       // no seconds
           "Tue, 14 Nov 2023 2:13:30 GMT",     // one-digit hour
           "Tue, 14 Nov 2023 22:13:30 GMT x",  // trailing junk
           "Tuesday, 14-Nov-2023 22:13:30 GMT",  // the obsolete form has two-digit years
           "Tue, 14-Nov-23 22:13:30 GMT",      // the obsolete form spells the weekday out
           "Tue Nov 14 22:13:30 23",           // asctime has four-digit years
           "Tue Nov 14 22:13:30",              // asctime without year
       }) {
    EXPECT_FALSE(parse_retry_after(value, kNow)) << value;
  }
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
