#include "rsolv/webhook_sim/retry_schedule.hpp"

#include <cmath>

#include "rsolv/common/error.hpp"

namespace rsolv::webhook_sim {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

RetryMode parse_retry_mode(const std::string& text) {
  if (text == "off") return RetryMode::off;
  if (text == "live") return RetryMode::live;
  if (text == "test") return RetryMode::test;
  throw UsageError("--retry takes live, test or off, not '" + text + "'");
}

std::vector<seconds> retry_gaps(RetryMode mode) {
  switch (mode) {
    case RetryMode::live: {
      std::vector<seconds> gaps = {minutes(1), minutes(5), minutes(30), hours(2), hours(5)};
      seconds total{0};
      for (auto gap : gaps) total += gap;
      // Then every 10 hours while the last retry stays within three days of the first attempt.
      while (total + hours(10) <= hours(72)) {
        gaps.push_back(hours(10));
        total += hours(10);
      }
      return gaps;
    }
    case RetryMode::test:
      return {minutes(10), hours(1), hours(2)};
    case RetryMode::off:
      break;
  }
  return {};
}

std::chrono::microseconds compressed(seconds gap, double time_compression) {
  if (!(time_compression > 0) || !std::isfinite(time_compression)) {
    throw UsageError("--time-compression must be a positive number (e.g. 3600 turns an hour into a second)");
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(1e6 * static_cast<double>(gap.count()) / time_compression)));
}

}  // namespace rsolv::webhook_sim
