// `--set path=value` / `--unset path` editing, as a user types it.
#include <gtest/gtest.h>

#include "rsolv/common/error.hpp"
#include "rsolv/stripe/events/json_path.hpp"

namespace rsolv::stripe::events {
namespace {

using nlohmann::json;

json sample() {
  return json::parse(R"({"data":{"object":{"status":"paid","lines":{"data":[{"amount":1},{"amount":2}]}}}})");
}

TEST(JsonPath, SetsNestedFieldsAndArrayElements) {
  auto doc = sample();
  set_path(doc, "data.object.status", "open");
  set_path(doc, "data.object.lines.data[1].amount", 20);
  set_path(doc, "data.object.lines.data.0.amount", 10);
  set_path(doc, "data.object.metadata.plan", "pro");
  set_path(doc, "data.object.lines.data[2]", json{{"amount", 3}});
  EXPECT_EQ(doc["data"]["object"]["status"], "open");
  EXPECT_EQ(doc["data"]["object"]["lines"]["data"][0]["amount"], 10);
  EXPECT_EQ(doc["data"]["object"]["lines"]["data"][1]["amount"], 20);
  EXPECT_EQ(doc["data"]["object"]["lines"]["data"][2]["amount"], 3);
  EXPECT_EQ(doc["data"]["object"]["metadata"]["plan"], "pro");
  // rsolv-loadgen's spelling works here too: a leading "$." and ['key'] for keys with dots.
  set_path(doc, "$.data.object.status", "void");
  set_path(doc, "$.data.object.metadata['plan.tier']", "gold");
  EXPECT_EQ(doc["data"]["object"]["status"], "void");
  EXPECT_EQ(doc["data"]["object"]["metadata"]["plan.tier"], "gold");
}

TEST(JsonPath, UnsetsFieldsAndElements) {
  auto doc = sample();
  unset_path(doc, "data.object.status");
  unset_path(doc, "data.object.lines.data[0]");
  EXPECT_FALSE(doc["data"]["object"].contains("status"));
  ASSERT_EQ(doc["data"]["object"]["lines"]["data"].size(), 1u);
  EXPECT_EQ(doc["data"]["object"]["lines"]["data"][0]["amount"], 2);
  EXPECT_THROW(unset_path(doc, "data.object.status"), rsolv::UsageError);
  EXPECT_THROW(unset_path(doc, "data.object.lines.data[5]"), rsolv::UsageError);
}

TEST(JsonPath, RefusesPathsThatCannotApply) {
  auto doc = sample();
  EXPECT_THROW(set_path(doc, "data.object.status.code", 1), rsolv::UsageError);
  EXPECT_THROW(set_path(doc, "data.object.lines.data[9].amount", 1), rsolv::UsageError);
  EXPECT_THROW(set_path(doc, "data.object[0]", 1), rsolv::UsageError);
  EXPECT_THROW(set_path(doc, "data..object", 1), rsolv::UsageError);
  EXPECT_THROW(set_path(doc, "data.object.lines.data[x]", 1), rsolv::UsageError);
  EXPECT_THROW(set_path(doc, "", 1), rsolv::UsageError);
  EXPECT_THROW(set_path(doc, "$", 1), rsolv::UsageError);  // names no field
  EXPECT_THROW(split_assignment("no-equals-sign"), rsolv::UsageError);
  EXPECT_EQ(doc, sample()) << "a refused edit leaves the event unchanged";
}

TEST(JsonPath, ValuesAreJsonWhenTheyParseElseStrings) {
  EXPECT_EQ(parse_value("1500"), json(1500));
  EXPECT_EQ(parse_value("true"), json(true));
  EXPECT_EQ(parse_value("null"), json(nullptr));
  EXPECT_EQ(parse_value("past_due"), json("past_due"));
  EXPECT_EQ(parse_value("\"1500\""), json("1500"));
  EXPECT_EQ(parse_value("{\"a\":[1]}"), json::parse("{\"a\":[1]}"));
  const auto [path, value] = split_assignment("data.object.metadata.note=a=b");
  EXPECT_EQ(path, "data.object.metadata.note");
  EXPECT_EQ(value, "a=b");
  ASSERT_NE(find_path(sample(), "data.object.lines.data[1].amount"), nullptr);
  EXPECT_EQ(find_path(sample(), "data.object.nothing"), nullptr);
}

// `--set 'data.object.name=\xff'` used to store bytes no JSON may hold; the next render of the
// event threw nlohmann's type_error instead of a usage error naming the value.
TEST(JsonPath, TextThatIsNotUtf8IsRefusedAsAValueOrAPath) {
  try {
    (void)parse_value("caf\xe9");
    FAIL() << "accepted";
  } catch (const rsolv::UsageError& error) {
    EXPECT_STREQ(error.what(), "the value is not valid UTF-8 (JSON text must be UTF-8; check the terminal's encoding)");
  }
  EXPECT_THROW((void)parse_path("data.obj\xff"), rsolv::UsageError);
  EXPECT_EQ(parse_value("caf\xc3\xa9"), "caf\xc3\xa9");
}

}  // namespace
}  // namespace rsolv::stripe::events
