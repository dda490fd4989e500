// Retry-After: delta-seconds or an HTTP-date in any of the three forms HTTP says a recipient must
// accept (IMF-fixdate, the obsolete weekday-name form, asctime). Our own parser, so this object
// needs no libcurl.
#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "rsolv/common/strings.hpp"
#include "rsolv/http/client.hpp"

namespace rsolv::http {

namespace {

using namespace std::chrono;

constexpr seconds kLongestWait{365LL * 24 * 3600};

constexpr std::array<std::string_view, 7> kShortDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                                       "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

template <std::size_t N>
bool one_of(std::string_view token, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), token) != names.end();
}

std::optional<unsigned> month_number(std::string_view token) {
  const auto it = std::find(kMonths.begin(), kMonths.end(), token);
  if (it == kMonths.end()) return std::nullopt;
  return static_cast<unsigned>(it - kMonths.begin()) + 1;
}

// All digits, 1..max_digits of them.
std::optional<int> number(std::string_view token, std::size_t min_digits, std::size_t max_digits) {
  if (token.size() < min_digits || token.size() > max_digits) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || token.front() == '+' || token.front() == '-') {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (!text.empty()) {
    const auto at = text.find(separator);
    const auto part = text.substr(0, at);
    if (!part.empty() || separator != ' ') parts.push_back(part);
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

struct Fields {
  int year = 0;
  unsigned month = 0;
  int day = 0;
  std::string_view time;  // "HH:MM:SS"
};

// In seconds: system_clock counts nanoseconds in an int64, which ends in April 2262, and a date
// header may name any year up to 9999.
std::optional<sys_seconds> to_time_point(const Fields& fields) {
  const auto hms = split(fields.time, ':');
  if (hms.size() != 3) return std::nullopt;
  const auto hour = number(hms[0], 2, 2), minute = number(hms[1], 2, 2), second = number(hms[2], 2, 2);
  // 60 is a leap second, which the grammar allows.
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const year_month_day date{year{fields.year}, month{fields.month}, day{static_cast<unsigned>(fields.day)}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date} + hours{*hour} + minutes{*minute} + seconds{*second};
}

std::optional<sys_seconds> parse_http_date(std::string_view value, system_clock::time_point now) {
  const auto tokens = split(value, ' ');
  Fields fields;
  if (tokens.size() == 6 && tokens[0].ends_with(',') && one_of(tokens[0].substr(0, tokens[0].size() - 1), kShortDays)) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    const auto day = number(tokens[1], 2, 2);
    const auto month = month_number(tokens[2]);
    const auto year = number(tokens[3], 4, 4);
    if (!day || !month || !year || tokens[5] != "GMT") return std::nullopt;
    fields = {*year, *month, *day, tokens[4]};
  } else if (tokens.size() == 4 && tokens[0].ends_with(',') && one_of(tokens[0].substr(0, tokens[0].size() - 1), kLongDays)) {
    // The obsolete form "Sunday, 06-Nov-94 08:49:37 GMT": a two-digit year more than 50 years
    // ahead is the most recent past year with those digits, as HTTP prescribes.
    const auto date = split(tokens[1], '-');
    if (date.size() != 3 || tokens[3] != "GMT") return std::nullopt;
    const auto day = number(date[0], 2, 2);
    const auto month = month_number(date[1]);
    const auto yy = number(date[2], 2, 2);
    if (!day || !month || !yy) return std::nullopt;
    const int this_year = static_cast<int>(year_month_day{floor<days>(now)}.year());
    int full_year = this_year - this_year % 100 + *yy;
    if (full_year > this_year + 50) full_year -= 100;
    fields = {full_year, *month, *day, tokens[2]};
  } else if (tokens.size() == 5 && one_of(tokens[0], kShortDays)) {
    // asctime: "Sun Nov  6 08:49:37 1994"
    const auto month = month_number(tokens[1]);
    const auto day = number(tokens[2], 1, 2);
    const auto year = number(tokens[4], 4, 4);
    if (!day || !month || !year) return std::nullopt;
    fields = {*year, *month, *day, tokens[3]};
  } else {
    return std::nullopt;
  }
  return to_time_point(fields);
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  value = trim(value, " \t\r");  // optional whitespace, and a CR a careless reader left in
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t count = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
    // Absurdly large values are a wait nobody does; cap them (a year) instead of overflowing.
    if (ec == std::errc::result_out_of_range || count > kLongestWait.count()) count = kLongestWait.count();
    else if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return milliseconds(count * 1000);
  }
  const auto when = parse_http_date(value, now);
  if (!when) return std::nullopt;
  // Milliseconds since the epoch fit an int64 for every year the parser accepts (up to 9999), so
  // the difference is taken there, never in system_clock's nanoseconds.
  const auto wait = milliseconds(when->time_since_epoch()) - duration_cast<milliseconds>(now.time_since_epoch());
  return std::max(milliseconds(0), wait);
}

}  // namespace rsolv::http
