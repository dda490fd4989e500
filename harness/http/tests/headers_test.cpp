#include <gtest/gtest.h>

#include "rsolv/http/client.hpp"

namespace rsolv::http {
namespace {

TEST(Headers, LookupIsCaseInsensitiveAndReturnsTheFirst) {
  const Headers headers = {{"Content-Type", "application/json"}, {"X-RateLimit-Remaining", "9"}, {"x-ratelimit-remaining", "8"}};
  EXPECT_EQ(find_header(headers, "content-type"), "application/json");
  EXPECT_EQ(find_header(headers, "X-RATELIMIT-REMAINING"), "9");
  EXPECT_FALSE(find_header(headers, "Retry-After"));
}

TEST(Headers, Iequals) {
  EXPECT_TRUE(iequals("Idempotency-Key", "idempotency-key"));
  EXPECT_FALSE(iequals("Idempotency-Key", "Idempotency-Keys"));
}

}  // namespace
}  // namespace rsolv::http
