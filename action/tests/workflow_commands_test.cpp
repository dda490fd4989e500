#include "rsolv/action/workflow_commands.hpp"

#include <gtest/gtest.h>

#include "rsolv/common/random.hpp"
#include "support/github_output.hpp"

namespace rsolv::action {
namespace {

TEST(WorkflowCommands, DataEscapesPercentCarriageReturnAndNewline) {
  EXPECT_EQ(escape_data("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b");
}

TEST(WorkflowCommands, PropertiesAlsoEscapeColonAndComma) {
  EXPECT_EQ(escape_property("RSOLV: a,b\n%"), "RSOLV%3A a%2Cb%0A%25");
}

TEST(WorkflowCommands, ErrorAnnotationHasPropertiesAndEscapedMessage) {
  EXPECT_EQ(workflow_command("error", {{"file", "src/a.c"}, {"line", "12"}, {"title", "Not entitled: x"}},
                             "line one\nline two"),
            "::error file=src/a.c,line=12,title=Not entitled%3A x::line one%0Aline two");
  EXPECT_EQ(workflow_command("warning", {}, "plain"), "::warning::plain");
  EXPECT_EQ(workflow_command("notice", {{"title", ""}}, "empty properties are left out"),
            "::notice::empty properties are left out");
}

TEST(WorkflowCommands, AnyTextSurvivesTheRunnersUnescaping) {
  Random random(7);
  const std::string alphabet = "%:,\r\n ab%0A%25::";
  for (int i = 0; i < 200; ++i) {
    std::string text;
    for (int n = 0; n < 12; ++n) text += alphabet[static_cast<std::size_t>(random.uniform(0, alphabet.size() - 1))];
    const auto data = escape_data(text);
    const auto property = escape_property(text);
    EXPECT_EQ(data.find_first_of("\r\n"), std::string::npos);
    EXPECT_EQ(property.find_first_of("\r\n:,"), std::string::npos);
    EXPECT_EQ(testing::unescape_command_value(data), text);
    EXPECT_EQ(testing::unescape_command_value(property), text);
  }
}

TEST(WorkflowCommands, MaskCoversEveryLineOfAMultiLineValue) {
  EXPECT_EQ(add_mask_lines("rsolv_abc"), "::add-mask::rsolv_abc\n");
  EXPECT_EQ(add_mask_lines("first\r\nsecond\n"), "::add-mask::first\n::add-mask::second\n");
  EXPECT_EQ(add_mask_lines("50%"), "::add-mask::50%25\n");
  EXPECT_EQ(add_mask_lines(""), "");
}

}  // namespace
}  // namespace rsolv::action
