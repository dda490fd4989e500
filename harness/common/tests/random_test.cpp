#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "rsolv/common/random.hpp"

namespace rsolv {
namespace {

TEST(Random, SameSeedGivesSameSequence) {
  Random a(42), b(42);
  EXPECT_EQ(a.base62(24), b.base62(24));
  EXPECT_EQ(a.uuid_v4(), b.uuid_v4());
}

TEST(Random, Base62IdsUseOnlyAlphanumerics) {
  Random random(7);
  const auto id = random.base62(24);
  EXPECT_EQ(id.size(), 24u);
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9A-Za-z]{24}")));
}

TEST(Random, UuidIsVersion4) {
  Random random(1);
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(std::regex_match(random.uuid_v4(),
                                 std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  }
}

TEST(Random, Base64UrlMatchesTheStandardTestVectors) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Random, SecureBytesDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) seen.insert(secure_random_bytes(32));
  EXPECT_EQ(seen.size(), 20u);
  // 32 random bytes encode to the 43 characters an RSOLV API key carries.
  EXPECT_EQ(base64url_encode(secure_random_bytes(32)).size(), 43u);
}

}  // namespace
}  // namespace rsolv
