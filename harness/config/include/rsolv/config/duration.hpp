#pragma once
// Durations ("30s", "1m30s", "250ms", "1h", "500us", "2.5s") and rates ("50/s", "1000/1m",
// "10/3600s") as k6 and the platform's rate limits write them. Bare numbers are refused: a unit is
// always required, so "10" never silently means seconds or milliseconds.
#include <chrono>
#include <string>
#include <string_view>

namespace rsolv::config {

// Throws rsolv::UsageError naming the text and what is wrong.
std::chrono::microseconds parse_duration(std::string_view text);
std::string format_duration(std::chrono::microseconds duration);

struct Rate {
  double count = 0;
  std::chrono::microseconds period{0};
  double per_second() const;
};

// "N/UNIT" or "N/DURATION": "50/s" = 50 per second, "1000/1m" = 1000 per minute.
Rate parse_rate(std::string_view text);

}  // namespace rsolv::config
