#include <gtest/gtest.h>

#include <sstream>

#include "rsolv/common/secret.hpp"

namespace rsolv {
namespace {

TEST(Secret, StreamingNeverPrintsTheValue) {
  Secret key("rsolv_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
  std::ostringstream out;
  out << "key=" << key;
  EXPECT_EQ(out.str().find("abcdefghij"), std::string::npos);
  EXPECT_NE(out.str().find("rsolv_"), std::string::npos) << "the prefix tells which kind of secret it was";
}

TEST(Secret, RedactReplacesEveryOccurrence) {
  Secret a("whsec_supersecretvalue"), b("plainsecretvalue");
  auto text = redact("a=whsec_supersecretvalue b=plainsecretvalue again whsec_supersecretvalue", {a, b});
  EXPECT_EQ(text.find("supersecretvalue"), std::string::npos);
  EXPECT_EQ(text.find("plainsecretvalue"), std::string::npos);
  EXPECT_EQ(text, "a=whsec_...[redacted] b=[redacted] again whsec_...[redacted]");
}

TEST(Secret, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace rsolv
