#include "rsolv/action/summary.hpp"

#include <gtest/gtest.h>

namespace rsolv::action {
namespace {

TEST(Summary, TableHasOneRowPerPairUnderAHeading) {
  const auto text = render_summary("RSOLV entitlement check", "entitled: 3 credits left",
                                   {{"Entitled", "yes"}, {"Credit balance", "3"}});
  EXPECT_NE(text.find("### RSOLV entitlement check\n"), std::string::npos);
  EXPECT_NE(text.find("| Entitled | yes |\n"), std::string::npos);
  EXPECT_NE(text.find("| Credit balance | 3 |\n"), std::string::npos);
  EXPECT_NE(text.find("| --- | --- |\n"), std::string::npos);
}

TEST(Summary, CellsCannotBreakTheTableOrInjectMarkup) {
  EXPECT_EQ(escape_markdown_cell("a|b\nc"), "a\\|b c");
  EXPECT_EQ(escape_markdown_cell("[click](http://x) <img>"), "\\[click\\](http://x) \\<img\\>");
  const auto text = render_summary("h", "v", {{"Reason", "x | y\n| injected | row |"}});
  // One data row only: the injected pipes are escaped and the newline is gone.
  EXPECT_EQ(text.find("\n| injected"), std::string::npos);
}

TEST(Summary, CentsAreShownAsDollars) {
  EXPECT_EQ(format_cents(2900), "$29.00");
  EXPECT_EQ(format_cents(1505), "$15.05");
  EXPECT_EQ(format_cents(0), "$0.00");
  EXPECT_EQ(format_cents(-250), "-$2.50");
}

}  // namespace
}  // namespace rsolv::action
