// The key-lookup cache: hits within the TTL, misses after it, disabled at 0, bounded in size.
#include <gtest/gtest.h>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/digest.hpp"
#include "rsolv/sandbox/server/app.hpp"
#include "rsolv/sandbox/server/auth_cache.hpp"

namespace rsolv::sandbox::server {
namespace {

TEST(AuthCache, RemembersAKeyForTheTtlOnly) {
  ManualClock clock;
  AuthCache cache(std::chrono::milliseconds(1000), clock);
  const auto digest = sha256_bytes("rsolv_example");
  EXPECT_FALSE(cache.find(digest).has_value());
  cache.remember(digest, 42);
  EXPECT_EQ(cache.find(digest), 42);
  clock.advance(std::chrono::milliseconds(999));
  EXPECT_EQ(cache.find(digest), 42);
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(cache.find(digest).has_value()) << "after the TTL the database is asked again";
}

TEST(AuthCache, ZeroTtlDisablesIt) {
  ManualClock clock;
  AuthCache cache(std::chrono::milliseconds(0), clock);
  cache.remember(sha256_bytes("k"), 1);
  EXPECT_FALSE(cache.find(sha256_bytes("k")).has_value());
}

TEST(AuthCache, StaysBoundedUnderAFloodOfKeys) {
  ManualClock clock;
  AuthCache cache(std::chrono::seconds(60), clock, 160);
  for (int i = 0; i < 10000; ++i) cache.remember(sha256_bytes("key" + std::to_string(i)), i);
  int remembered = 0;
  for (int i = 0; i < 10000; ++i) remembered += cache.find(sha256_bytes("key" + std::to_string(i))).has_value() ? 1 : 0;
  EXPECT_LE(remembered, 160);
  EXPECT_GT(remembered, 0);
}

TEST(Sha256Digest, IsTheRawThirtyTwoByteDigest) {
  const auto digest = sha256_bytes("abc");
  ASSERT_EQ(digest.size(), 32u);
  // FIPS 180-2 test vector for "abc": ba7816bf...
  EXPECT_EQ(static_cast<unsigned char>(digest[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(digest[31]), 0xad);
}

}  // namespace
}  // namespace rsolv::sandbox::server
