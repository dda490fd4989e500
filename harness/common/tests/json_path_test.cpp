// The one JSON path syntax: what each spelling a user may write parses to, and the one-line error
// for each way a path can be wrong.
#include <gtest/gtest.h>

#include "rsolv/common/error.hpp"
#include "rsolv/common/json_path.hpp"

namespace rsolv {
namespace {

using Kind = JsonPathSegment::Kind;

std::string describe(const std::vector<JsonPathSegment>& segments) {
  std::string out;
  for (const auto& segment : segments) {
    if (!out.empty()) out += " ";
    switch (segment.kind) {
      case Kind::name: out += segment.numeric ? "name-or-" + std::to_string(segment.index) : "name:" + segment.key; break;
      case Kind::quoted_key: out += "key:" + segment.key; break;
      case Kind::index: out += "[" + std::to_string(segment.index) + "]"; break;
    }
  }
  return out;
}

std::string error_of(std::string_view path) {
  try {
    (void)parse_json_path(path);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "accepted";
}

TEST(JsonPathSyntax, TheDollarPrefixIsOptionalAndEverySpellingOfAnIndexAgrees) {
  const std::string expected = "name:data name:items [0] name:price";
  EXPECT_EQ(describe(parse_json_path("$.data.items[0].price")), expected);
  EXPECT_EQ(describe(parse_json_path("data.items[0].price")), expected);
  EXPECT_EQ(describe(parse_json_path("data.items.0.price")), "name:data name:items name-or-0 name:price");
  EXPECT_EQ(describe(parse_json_path("$['odd key'].x")), "key:odd key name:x");
  EXPECT_EQ(describe(parse_json_path("$[\"a.b\"][2]")), "key:a.b [2]");
  EXPECT_EQ(describe(parse_json_path("[3].id")), "[3] name:id");
  EXPECT_TRUE(parse_json_path("$").empty());
}

TEST(JsonPathSyntax, EachMistakeIsNamedInOneLine) {
  const std::string hint = " (write e.g. $.data.object.id, items[0].price or $['key with spaces'])";
  EXPECT_EQ(error_of(""), "invalid JSON path '': empty path" + hint);
  EXPECT_EQ(error_of("a..b"), "invalid JSON path 'a..b': empty name (a doubled or trailing '.')" + hint);
  EXPECT_EQ(error_of("a."), "invalid JSON path 'a.': empty name (a doubled or trailing '.')" + hint);
  EXPECT_EQ(error_of("a[x]"), "invalid JSON path 'a[x]': an index must be a number >= 0, as in [0]" + hint);
  EXPECT_EQ(error_of("a[-1]"), "invalid JSON path 'a[-1]': an index must be a number >= 0, as in [0]" + hint);
  EXPECT_EQ(error_of("a[1"), "invalid JSON path 'a[1': missing ']'" + hint);
  EXPECT_EQ(error_of("$['a]"), "invalid JSON path '$['a]': unterminated ['key']" + hint);
  EXPECT_EQ(error_of("$x"), "invalid JSON path '$x': expected '.' or '[' after '$'" + hint);
  EXPECT_EQ(error_of("a[0]b"), "invalid JSON path 'a[0]b': unexpected 'b'" + hint);
  EXPECT_EQ(error_of("a.\xff"), "invalid JSON path (not UTF-8): not valid UTF-8" + hint);
  EXPECT_EQ(error_of("a[99999999999999999999999]"),
            "invalid JSON path 'a[99999999999999999999999]': an index must be a number >= 0, as in [0]" + hint);
}

}  // namespace
}  // namespace rsolv
