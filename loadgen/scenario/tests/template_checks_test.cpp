// Templating (${vu} ${iter} ${uuid} ${now} ${env.X} and variables) and checks on responses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/scenario/checks.hpp"
#include "rsolv/loadgen/scenario/json_path.hpp"
#include "rsolv/loadgen/scenario/template.hpp"

namespace rsolv::loadgen::scenario {
namespace {

config::EnvLookup env_with(std::string name, std::string value) {
  return [name, value](std::string_view n) -> std::optional<std::string> {
    if (n == name) return value;
    return std::nullopt;
  };
}

TEST(Template, RendersBuiltInsVariablesAndEnvironment) {
  VariableTable table;
  const auto t = compile_template(
      "/u/${vu}/i/${iter}?t=${now}&s=${timestamp}&k=${key}&h=${env.HOST}&d=${env.NOPE:-dflt}&x=$${vu}", table,
      env_with("HOST", "h1"));
  ASSERT_EQ(table.size(), 1u);
  std::vector<std::string> variables{"abc"};
  FastRandom random;
  TemplateContext c;
  c.vu = 4;
  c.iter = 9;
  c.now_ms = 1'700'000'000'456;
  c.variables = &variables;
  c.random = &random;
  EXPECT_EQ(t.render(c), "/u/4/i/9?t=1700000000456&s=1700000000&k=abc&h=h1&d=dflt&x=${vu}");
  EXPECT_FALSE(t.constant());
  EXPECT_EQ(t.variables(), std::vector<int>{0});
}

TEST(Template, UuidsAreVersion4AndDistinct) {
  VariableTable table;
  const auto t = compile_template("${uuid}", table, env_with("", ""));
  FastRandom random(42);
  TemplateContext c;
  c.random = &random;
  std::set<std::string> seen;
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 1000; ++i) {
    const auto u = t.render(c);
    EXPECT_TRUE(std::regex_match(u, v4)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
  // The same seed gives the same sequence (reproducible runs).
  FastRandom a(5), b(5);
  TemplateContext ca, cb;
  ca.random = &a;
  cb.random = &b;
  EXPECT_EQ(t.render(ca), t.render(cb));
}

TEST(Template, JsonValuesAreEscapedInsideStrings) {
  VariableTable table;
  const auto doc = nlohmann::json::parse(R"({"name":"${who}","n":3,"list":["a","${vu}"],"nested":{"q":"say \"hi\""}})");
  const auto t = json_template(doc, table, env_with("", ""));
  std::vector<std::string> variables{"quote\" and \\ and \n newline"};
  TemplateContext c;
  c.vu = 2;
  c.variables = &variables;
  const auto rendered = nlohmann::json::parse(t.render(c));
  EXPECT_EQ(rendered["name"], variables[0]);
  EXPECT_EQ(rendered["n"], 3);
  EXPECT_EQ(rendered["list"][1], "2");
  EXPECT_EQ(rendered["nested"]["q"], "say \"hi\"");
}

TEST(Template, MistakesAreRefused) {
  VariableTable table;
  const auto env = env_with("", "");
  EXPECT_THROW((void)compile_template("${vu", table, env), UsageError);
  EXPECT_THROW((void)compile_template("${}", table, env), UsageError);
  EXPECT_THROW((void)compile_template("${1abc}", table, env), UsageError);
  EXPECT_THROW((void)compile_template("${env.UNSET}", table, env), UsageError);
}

TEST(JsonPath, FindsNestedValues) {
  const auto doc = nlohmann::json::parse(R"({"customer":{"id":7,"tags":["a","b"]},"odd key":{"x":1}})");
  EXPECT_EQ(*JsonPath::parse("$.customer.id").find(doc), 7);
  EXPECT_EQ(*JsonPath::parse("$.customer.tags[1]").find(doc), "b");
  EXPECT_EQ(*JsonPath::parse("$['odd key'].x").find(doc), 1);
  EXPECT_EQ(JsonPath::parse("$.customer.tags[5]").find(doc), nullptr);
  EXPECT_EQ(JsonPath::parse("$.missing.id").find(doc), nullptr);
  EXPECT_THROW((void)JsonPath::parse("$.a[x]"), UsageError);
  EXPECT_THROW((void)JsonPath::parse("$..a"), UsageError);
  // webhook-sim's spelling works here too: no "$.", and a dotted number indexes an array.
  EXPECT_EQ(*JsonPath::parse("customer.tags[1]").find(doc), "b");
  EXPECT_EQ(*JsonPath::parse("customer.tags.0").find(doc), "a");
  EXPECT_EQ(JsonPath::parse("customer.tags.x").find(doc), nullptr);
}

Check check_of(Check::Kind kind) {
  Check c;
  c.kind = kind;
  return c;
}

TEST(Checks, StatusHeaderJsonLatencyAndBody) {
  const auto json = nlohmann::json::parse(R"({"received":true,"balance":"45","items":[1,2]})");
  const std::vector<std::optional<std::string>> headers{std::string("500"), std::nullopt};
  ResponseView r;
  r.status = 429;
  r.duration = std::chrono::milliseconds(120);
  r.headers = &headers;
  r.body = R"({"received":true,"balance":"45","items":[1,2]})";
  r.json = &json;

  auto status = check_of(Check::Kind::status);
  status.statuses = {parse_status_range("2xx")};
  EXPECT_FALSE(evaluate_check(status, r));
  status.statuses.push_back(parse_status_range("429"));
  EXPECT_TRUE(evaluate_check(status, r));

  auto header = check_of(Check::Kind::header);
  header.header_slot = 0;
  header.matcher.op = Matcher::Op::ge;
  header.matcher.expected = 490;
  EXPECT_TRUE(evaluate_check(header, r));
  header.matcher.expected = 501;
  EXPECT_FALSE(evaluate_check(header, r));
  header.header_slot = 1;
  header.matcher.op = Matcher::Op::absent;
  EXPECT_TRUE(evaluate_check(header, r));

  auto path = check_of(Check::Kind::json);
  path.path = JsonPath::parse("$.balance");
  path.matcher.op = Matcher::Op::lt;
  path.matcher.expected = 50;
  EXPECT_TRUE(evaluate_check(path, r));  // a numeric string compares as a number
  path.path = JsonPath::parse("$.items");
  path.matcher.op = Matcher::Op::contains;
  path.matcher.expected = 2;
  EXPECT_TRUE(evaluate_check(path, r));
  path.path = JsonPath::parse("$.received");
  path.matcher.op = Matcher::Op::equals;
  path.matcher.expected = false;
  EXPECT_FALSE(evaluate_check(path, r));

  auto latency = check_of(Check::Kind::latency);
  latency.max_latency = std::chrono::milliseconds(100);
  EXPECT_FALSE(evaluate_check(latency, r));
  latency.max_latency = std::chrono::milliseconds(200);
  EXPECT_TRUE(evaluate_check(latency, r));

  auto body = check_of(Check::Kind::body);
  body.matcher.op = Matcher::Op::matches;
  body.matcher.regex = std::make_shared<const std::regex>("\"balance\":\"\\d+\"");
  EXPECT_TRUE(evaluate_check(body, r));

  // A failed request (no response) fails every check but `absent`.
  ResponseView failed;
  EXPECT_FALSE(evaluate_check(status, failed));
  EXPECT_FALSE(evaluate_check(latency, failed));
  EXPECT_FALSE(evaluate_check(body, failed));
}

TEST(Checks, StatusRanges) {
  EXPECT_TRUE(parse_status_range("2xx").contains(204));
  EXPECT_FALSE(parse_status_range("2xx").contains(300));
  EXPECT_TRUE(parse_status_range("400-404").contains(403));
  EXPECT_THROW((void)parse_status_range("600"), UsageError);
  EXPECT_THROW((void)parse_status_range("404-400"), UsageError);
  EXPECT_THROW((void)parse_status_range("abc"), UsageError);
}

}  // namespace
}  // namespace rsolv::loadgen::scenario
