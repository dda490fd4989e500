#pragma once
// Fixed-window rate limiting as the platform does it (Hammer-style): windows are aligned to
// multiples of the window length since the epoch, so every client's window ends at the same
// unix second and X-RateLimit-Reset is a plain multiple of the window.
#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rsolv/common/clock.hpp"

namespace rsolv::sandbox::server {

struct RateLimit {
  std::int64_t limit = 0;           // requests allowed per window
  std::int64_t window_seconds = 0;  // window length
};

// "N/SECONDS" ("500/3600") or a harness rate with a unit ("500/1h", "10/3600s").
// Throws rsolv::UsageError naming the text when it is not a positive whole count per positive period.
RateLimit parse_rate_limit(std::string_view text);

struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;      // after this request
  std::int64_t reset_unix = 0;     // unix seconds at which the current window ends
  std::int64_t retry_after = 0;    // seconds until reset_unix (>= 1), meaningful when refused
};

// Thread-safe; the map is sharded so concurrent workers rarely share a lock. Refused requests do
// not count against the window. Stale windows are swept lazily, so memory stays bounded by the
// number of clients seen in one window.
class FixedWindowLimiter {
 public:
  FixedWindowLimiter(RateLimit limit, const Clock& clock);
  FixedWindowLimiter(const FixedWindowLimiter&) = delete;
  FixedWindowLimiter& operator=(const FixedWindowLimiter&) = delete;

  // Counts one request for `key` (an IP address or a key digest, never a raw key).
  RateDecision hit(std::string_view key);
  const RateLimit& limit() const { return limit_; }

 private:
  struct Window {
    std::int64_t index = 0;
    std::int64_t count = 0;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Window> windows;
    std::int64_t swept_index = 0;
  };
  static constexpr std::size_t kShards = 16;

  RateLimit limit_;
  const Clock* clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace rsolv::sandbox::server
