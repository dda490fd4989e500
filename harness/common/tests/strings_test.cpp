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

}  // namespace
}  // namespace rsolv
