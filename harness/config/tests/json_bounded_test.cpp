#include "rsolv/config/json_bounded.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rsolv::config {
namespace {

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonBounded, ParsesDocumentsUpToTheLimit) {
  const auto parsed = parse_json_bounded(R"({"a":{"b":[1,2,{"c":"d"}]}})");
  ASSERT_TRUE(parsed.ok()) << parsed.message;
  EXPECT_EQ(parsed.value["a"]["b"][2]["c"], "d");
  EXPECT_TRUE(parse_json_bounded(nested(64)).ok());
  EXPECT_TRUE(parse_json_bounded(nested(3), 3).ok());
}

TEST(JsonBounded, RefusesOneLevelTooDeepAndNamesTheLimit) {
  const auto parsed = parse_json_bounded(nested(65));
  EXPECT_EQ(parsed.failure, BoundedJson::Failure::too_deep);
  EXPECT_TRUE(parsed.value.is_discarded());
  EXPECT_NE(parsed.message.find("64 levels"), std::string::npos) << parsed.message;
  EXPECT_NE(parsed.message.find("max_json_depth"), std::string::npos) << parsed.message;
  EXPECT_EQ(parse_json_bounded(R"({"a":{"b":{}}})", 2).failure, BoundedJson::Failure::too_deep);
}

TEST(JsonBounded, StopsEarlyOnAHundredThousandLevels) {
  // Objects and arrays mixed, unterminated: refused for depth, not for syntax.
  std::string text;
  for (int i = 0; i < 50'000; ++i) text += R"({"a":[)";
  const auto parsed = parse_json_bounded(text);
  EXPECT_EQ(parsed.failure, BoundedJson::Failure::too_deep);
}

TEST(JsonBounded, SyntaxErrorsSayWhere) {
  const auto parsed = parse_json_bounded(R"({"a": tru})");
  EXPECT_EQ(parsed.failure, BoundedJson::Failure::syntax);
  EXPECT_NE(parsed.message.find("byte"), std::string::npos) << parsed.message;
  EXPECT_EQ(parse_json_bounded("").failure, BoundedJson::Failure::syntax);
  EXPECT_EQ(parse_json_bounded("{} x").failure, BoundedJson::Failure::syntax);
}

}  // namespace
}  // namespace rsolv::config
