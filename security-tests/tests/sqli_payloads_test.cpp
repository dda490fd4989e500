// The SQL-injection suite's payloads and answer comparison, without a server: the contexts it
// must cover, bounded delays, database error signatures, and the comparison that must hold when
// an API echoes the value it matched.
#include <gtest/gtest.h>

#include <set>

#include "sqli_payloads.hpp"

namespace rsolv::security::sqli {
namespace {

TEST(SqliContexts, CoverTheQuoteParenthesisLikeAndCommentContexts) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& context : boolean_contexts()) seen.insert({context.close, context.reopen == "-- " ? "comment" : ""});
  for (const auto& close : {"'", "\"", "", ")", "')", "'))", "%'"}) EXPECT_TRUE(seen.contains({close, ""})) << close;
  for (const auto& close : {"'", "\"", ""}) EXPECT_TRUE(seen.contains({close, "comment"})) << close;
}

TEST(SqliContexts, SpliceTheConditionSoTheOriginalQueryStillParses) {
  const auto& contexts = boolean_contexts();
  const auto like = std::find_if(contexts.begin(), contexts.end(), [](const auto& c) { return c.close == "%'"; });
  ASSERT_NE(like, contexts.end());
  // WHERE name LIKE '%<value>%'  ->  LIKE '%acme%' AND 1=1 AND '%'='%'
  EXPECT_EQ("'%" + like->with("acme", "1=1") + "%'", "'%acme%' AND 1=1 AND '%'='%'");
  EXPECT_EQ("\"" + contexts[1].with("x", "1=2") + "\"", "\"x\" AND 1=2 AND \"1\"=\"1\"");
}

TEST(SqliTime, DelaysAreBoundedAndEachHasAControlOfTheSameShape) {
  for (const auto& context : time_contexts()) {
    for (const auto& payload : time_payloads("acme", context)) {
      EXPECT_EQ(payload.slow.size(), payload.control.size()) << payload.slow;
      EXPECT_NE(payload.slow, payload.control);
      EXPECT_EQ(payload.slow.find("sleep(1"), std::string::npos);
      EXPECT_TRUE(payload.slow.find("pg_sleep(2)") != std::string::npos || payload.slow.find("SLEEP(2)") != std::string::npos ||
                  payload.slow.find("i<3000000)") != std::string::npos)
          << payload.slow;
    }
  }
}

TEST(SqliErrors, RecogniseSqlitePostgresAndMysqlButNotAGenericError) {
  EXPECT_TRUE(has_sql_error(R"({"error":"SQLITE_ERROR: unrecognized token: \"'acme''\""})"));
  EXPECT_TRUE(has_sql_error("ERROR:  syntax error at or near \"acme\" LINE 1"));
  EXPECT_TRUE(has_sql_error("ERROR: unterminated quoted string at or near \"'acme'\""));
  EXPECT_TRUE(has_sql_error("You have an error in your SQL syntax; check the manual that corresponds to your MySQL server"));
  EXPECT_FALSE(has_sql_error(R"({"error":"internal_error","message":"Something went wrong"})"));
  EXPECT_FALSE(has_sql_error(R"({"error":"validation_failed","field":"name"})"));
}

TEST(SqliShape, EchoesRawJsonEscapedAndPercentEncodedAreTakenOut) {
  const std::string payload = "acme\" AND 1=1-- ";
  const auto body = R"({"q":"acme\" AND 1=1-- ","target":"/s?q=acme%22%20AND%201%3D1--%20","rows":[]})";
  EXPECT_EQ(without_echoes(body, {payload}), R"({"q":"","target":"/s?q=","rows":[]})");
}

TEST(SqliShape, AValueEchoedInTheResultRowsDoesNotHideABooleanDifference) {
  // The endpoint returns the matched rows, which contain the original value, and echoes the query.
  const std::string original = "acme corp";
  const std::string truthy = "acme corp' AND 1=1 AND '1'='1", falsy = "acme corp' AND 1=2 AND '1'='1";
  const auto rows = R"([{"customer":"acme corp","amount":59900},{"customer":"acme corp","amount":1500},)"
                    R"({"customer":"acme corp","amount":700}])";
  const auto answer = [&](const std::string& query, const std::string& results) {
    return R"({"query":")" + query + R"(","results":)" + results + R"(,"request_id":"Zx81kQ0pL2mN4bV7cR9t"})";
  };
  const auto base = shape(answer(original, rows), {original, original});
  const auto yes = shape(answer(truthy, rows), {truthy, original});
  const auto no = shape(answer(falsy, "[]"), {falsy, original});
  EXPECT_TRUE(similar(200, base, 200, yes)) << base << "\n" << yes;
  EXPECT_FALSE(similar(200, base, 200, no)) << base << "\n" << no;
  // Stripping only the payload (the old comparison) left the rows' value in the true answer but
  // not in the baseline, so the true condition never looked like the baseline.
  EXPECT_FALSE(similar(200, base, 200, shape(answer(truthy, rows), {truthy})));
}

}  // namespace
}  // namespace rsolv::security::sqli
