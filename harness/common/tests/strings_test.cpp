#include <gtest/gtest.h>

#include "rsolv/common/strings.hpp"

namespace rsolv {
namespace {

TEST(Strings, ToLowerChangesAsciiLettersOnly) {
  EXPECT_EQ(to_lower("Content-TYPE: X-1"), "content-type: x-1");
  // Bytes outside ASCII (UTF-8 here) pass through whatever the locale.
  EXPECT_EQ(to_lower("\xC3\x84Z@[`{"), "\xC3\x84z@[`{");
  EXPECT_EQ(to_upper("post /a-z?q=\xC3\xA4`{"), "POST /A-Z?Q=\xC3\xA4`{");  // only ASCII letters
  EXPECT_EQ(ascii_lower('Q'), 'q');
  EXPECT_EQ(ascii_lower('@'), '@');
}

TEST(Strings, TrimRemovesWhitespaceAtBothEndsOnly) {
  EXPECT_EQ(trim(" \t\r\n\v\f a b \r\n"), "a b");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("x"), "x");
}

TEST(Strings, TrimTakesTheCharactersToRemove) {
  EXPECT_EQ(trim(" \tchunked\t ", " \t"), "chunked");
  EXPECT_EQ(trim("\n5\n", " \t"), "\n5\n");
}

TEST(Strings, Utf8IsWellFormedOnly) {
  EXPECT_TRUE(is_utf8("plain ascii"));
  EXPECT_TRUE(is_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_utf8("caf\xE9"));               // Latin-1
  EXPECT_FALSE(is_utf8("\xC0\xAF"));               // overlong '/'
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));           // a surrogate
  EXPECT_FALSE(is_utf8("\xF4\x90\x80\x80"));       // above U+10FFFF
  EXPECT_FALSE(is_utf8("\xE2\x82"));               // cut short
}

}  // namespace
}  // namespace rsolv
