#include "rsolv/sandbox/server/auth_cache.hpp"

#include <functional>

namespace rsolv::sandbox::server {

AuthCache::AuthCache(std::chrono::milliseconds ttl, const Clock& clock, std::size_t max_entries)
    : ttl_(ttl), clock_(&clock), max_per_shard_(std::max<std::size_t>(1, max_entries / kShards)) {}

AuthCache::Shard& AuthCache::shard_for(std::string_view key_digest) {
  return shards_[std::hash<std::string_view>{}(key_digest) % kShards];
}

std::optional<std::int64_t> AuthCache::find(std::string_view key_digest) {
  if (ttl_.count() <= 0) return std::nullopt;
  Shard& shard = shard_for(key_digest);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.entries.find(std::string(key_digest));
  if (it == shard.entries.end()) return std::nullopt;
  if (clock_->steady_now() >= it->second.expires) {
    shard.entries.erase(it);
    return std::nullopt;
  }
  return it->second.customer_id;
}

void AuthCache::remember(std::string_view key_digest, std::int64_t customer_id) {
  if (ttl_.count() <= 0) return;
  Shard& shard = shard_for(key_digest);
  const auto now = clock_->steady_now();
  std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= max_per_shard_) {
    // Bounded memory against floods of distinct keys: drop what expired, or everything.
    std::erase_if(shard.entries, [now](const auto& entry) { return now >= entry.second.expires; });
    if (shard.entries.size() >= max_per_shard_) shard.entries.clear();
  }
  shard.entries[std::string(key_digest)] = Entry{customer_id, now + ttl_};
}

}  // namespace rsolv::sandbox::server
