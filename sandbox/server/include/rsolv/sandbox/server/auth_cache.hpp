#pragma once
// A short-lived positive cache of API-key lookups, keyed by the key's SHA-256 (never the raw key).
// Every authenticated request otherwise pays a SQLite read transaction just to map the key to a
// customer; with a TTL of a second, a key revoked in the database stops working within that second.
// Unknown keys are never cached, so a freshly onboarded key works at once.
#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rsolv/common/clock.hpp"

namespace rsolv::sandbox::server {

class AuthCache {
 public:
  // ttl 0 disables the cache.
  AuthCache(std::chrono::milliseconds ttl, const Clock& clock, std::size_t max_entries = 100000);

  std::optional<std::int64_t> find(std::string_view key_digest);
  void remember(std::string_view key_digest, std::int64_t customer_id);

 private:
  struct Entry {
    std::int64_t customer_id = 0;
    std::chrono::steady_clock::time_point expires;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  static constexpr std::size_t kShards = 16;
  Shard& shard_for(std::string_view key_digest);

  std::chrono::milliseconds ttl_;
  const Clock* clock_;
  std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace rsolv::sandbox::server
