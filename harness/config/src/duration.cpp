#include "rsolv/config/duration.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "rsolv/common/error.hpp"

namespace rsolv::config {

namespace {

[[noreturn]] void bad_duration(std::string_view text, const std::string& why) {
  throw UsageError("invalid duration '" + std::string(text) + "': " + why +
                   " (examples: 250ms, 30s, 1m30s, 2h; units us, ms, s, m, h)");
}

// Microseconds per unit, or 0 for an unknown unit.
double unit_micros(std::string_view unit) {
  if (unit == "us" || unit == "µs") return 1;
  if (unit == "ms") return 1e3;
  if (unit == "s") return 1e6;
  if (unit == "m") return 60e6;
  if (unit == "h") return 3600e6;
  return 0;
}

}  // namespace

std::chrono::microseconds parse_duration(std::string_view text) {
  if (text.empty()) bad_duration(text, "it is empty");
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto number_start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == number_start) {
      if (text[i] == '-') bad_duration(text, "it must not be negative");
      bad_duration(text, "expected a number at '" + std::string(text.substr(i)) + "'");
    }
    double value = 0;
    const auto number = text.substr(number_start, i - number_start);
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || end != number.data() + number.size()) bad_duration(text, "'" + std::string(number) + "' is not a number");
    const auto unit_start = i;
    while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
    const auto unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) bad_duration(text, "'" + std::string(number) + "' has no unit");
    const auto micros = unit_micros(unit);
    if (micros == 0) bad_duration(text, "unknown unit '" + std::string(unit) + "'");
    total += value * micros;
  }
  // The limit keeps the sum exact to the microsecond (a double holds every integer below 2^53, far
  // above it), so a duration printed with format_duration reads back as the same value.
  constexpr double kMaxMicros = 100000 * 3600e6;
  if (!std::isfinite(total) || total > kMaxMicros) bad_duration(text, "it is too long (the limit is 100000h)");
  return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(total)));
}

std::string format_duration(std::chrono::microseconds duration) {
  auto us = duration.count();
  if (us == 0) return "0s";
  std::string out;
  if (us < 0) {
    out = "-";
    us = -us;
  }
  if (us % 1000000 != 0 && us < 1000000) {
    if (us % 1000 == 0) return out + std::to_string(us / 1000) + "ms";
    return out + std::to_string(us) + "us";
  }
  const auto hours = us / 3600000000;
  const auto minutes = us / 60000000 % 60;
  const auto seconds = us / 1000000 % 60;
  const auto rest_us = us % 1000000;  // kept to the microsecond so format -> parse is exact
  if (hours) out += std::to_string(hours) + "h";
  if (minutes) out += std::to_string(minutes) + "m";
  if (seconds || rest_us) {
    out += std::to_string(seconds);
    if (rest_us) {
      auto fraction = std::to_string(1000000 + rest_us).substr(1);
      while (fraction.back() == '0') fraction.pop_back();
      out += "." + fraction;
    }
    out += "s";
  }
  return out;
}

double Rate::per_second() const {
  if (period.count() <= 0) return 0;
  return count * 1e6 / static_cast<double>(period.count());
}

Rate parse_rate(std::string_view text) {
  const auto fail = [&](const std::string& why) -> Rate {
    throw UsageError("invalid rate '" + std::string(text) + "': " + why + " (examples: 50/s, 1000/1m, 10/3600s)");
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return fail("expected COUNT/PERIOD");
  const auto count_text = text.substr(0, slash);
  auto period_text = text.substr(slash + 1);
  if (count_text.empty()) return fail("the count is missing");
  double count = 0;
  const auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
  if (ec != std::errc() || end != count_text.data() + count_text.size() || !std::isfinite(count)) {
    return fail("'" + std::string(count_text) + "' is not a number");
  }
  if (count <= 0) return fail("the count must be positive");
  // Counts become 64-bit integers (a rate of iterations, a limit of requests): bounded well inside.
  constexpr double kMaxCount = 1e9;
  if (count > kMaxCount) return fail("the count is larger than 1000000000 (the limit)");
  if (period_text.empty()) return fail("the period is missing");
  // "50/s" means one unit: prefix a 1.
  std::string period_string(period_text);
  if (!std::isdigit(static_cast<unsigned char>(period_string.front()))) period_string = "1" + period_string;
  std::chrono::microseconds period{};
  try {
    period = parse_duration(period_string);
  } catch (const UsageError&) {
    return fail("'" + std::string(period_text) + "' is not a period");
  }
  if (period.count() <= 0) return fail("the period must be longer than zero");
  return Rate{count, period};
}

}  // namespace rsolv::config
