#include "rsolv/sandbox/server/rate_limiter.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

#include "rsolv/common/error.hpp"
#include "rsolv/config/duration.hpp"

namespace rsolv::sandbox::server {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t parse_whole(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return -1;
  return value;
}

}  // namespace

RateLimit parse_rate_limit(std::string_view text) {
  const auto fail = [&](const std::string& why) -> RateLimit {
    throw UsageError("invalid rate limit '" + std::string(text) + "': " + why +
                     " (write COUNT/SECONDS, e.g. 500/3600, or 500/1h)");
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return fail("expected COUNT/SECONDS");
  const auto count_text = text.substr(0, slash);
  const auto period_text = text.substr(slash + 1);
  if (!all_digits(count_text)) return fail("the count must be a whole number");
  const std::int64_t count = parse_whole(count_text);
  if (count <= 0) return fail("the count must be at least 1");

  std::int64_t seconds = 0;
  if (all_digits(period_text)) {
    seconds = parse_whole(period_text);
  } else {
    // Units ("1h", "3600s", "m") go through the harness parser so every tool reads rates alike.
    config::Rate rate;
    try {
      rate = config::parse_rate(std::string(count_text) + "/" + std::string(period_text));
    } catch (const UsageError&) {
      return fail("'" + std::string(period_text) + "' is not a period");
    }
    const double exact = static_cast<double>(rate.period.count()) / 1e6;
    if (exact != std::floor(exact)) return fail("the period must be a whole number of seconds");
    seconds = static_cast<std::int64_t>(exact);
  }
  if (seconds <= 0) return fail("the period must be at least 1 second");
  return RateLimit{count, seconds};
}

FixedWindowLimiter::FixedWindowLimiter(RateLimit limit, const Clock& clock) : limit_(limit), clock_(&clock) {
  if (limit_.limit <= 0 || limit_.window_seconds <= 0) throw Error("rate limit must be positive");
}

RateDecision FixedWindowLimiter::hit(std::string_view key) {
  const std::int64_t now = clock_->unix_seconds();
  const std::int64_t index = now / limit_.window_seconds;
  RateDecision decision;
  decision.limit = limit_.limit;
  decision.reset_unix = (index + 1) * limit_.window_seconds;
  decision.retry_after = std::max<std::int64_t>(1, decision.reset_unix - now);

  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  if (shard.swept_index != index) {
    // First request of a new window in this shard: forget every older window.
    std::erase_if(shard.windows, [index](const auto& entry) { return entry.second.index != index; });
    shard.swept_index = index;
  }
  auto [it, inserted] = shard.windows.try_emplace(std::string(key));
  Window& window = it->second;
  if (inserted || window.index != index) window = Window{index, 0};
  if (window.count >= limit_.limit) {
    decision.allowed = false;
    decision.remaining = 0;
    return decision;
  }
  ++window.count;
  decision.remaining = limit_.limit - window.count;
  return decision;
}

}  // namespace rsolv::sandbox::server
