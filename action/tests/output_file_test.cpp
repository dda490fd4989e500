#include "rsolv/action/output_file.hpp"

#include <gtest/gtest.h>


#include "rsolv/common/error.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "support/github_output.hpp"

namespace rsolv::action {
namespace {

using rsolv::testing::read_file;

TEST(OutputFile, OneLineValueIsNameEqualsValue) {
  Random random(1);
  EXPECT_EQ(format_output("entitled", "true", random), "entitled=true\n");
  // '=' and '<<' inside a value are fine: the runner splits at the first '='.
  const auto text = format_output("message", "a=b <<EOF", random);
  EXPECT_EQ(testing::parse_github_output(text).values.at("message"), "a=b <<EOF");
}

TEST(OutputFile, MultiLineValueUsesAHeredocTheRunnerReadsBack) {
  Random random(2);
  const std::string json = "{\n  \"entitled\": true,\n  \"reason\": \"credits\"\n}";
  const auto text = format_output("response", json, random) + format_output("reason", "credits", random);
  const auto parsed = testing::parse_github_output(text);
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.values.at("response"), json);
  EXPECT_EQ(parsed.values.at("reason"), "credits");
  ASSERT_TRUE(parsed.delimiters.contains("response"));
  EXPECT_TRUE(parsed.delimiters.at("response").starts_with("ghadelimiter_"));
  EXPECT_TRUE(text.starts_with("response<<ghadelimiter_"));
}

TEST(OutputFile, DelimiterNeverOccursInTheValue) {
  // The value contains exactly the delimiter the same seed would draw first.
  Random predictor(99);
  const auto first_delimiter = "ghadelimiter_" + predictor.uuid_v4();
  const std::string value = "line\n" + first_delimiter + "\ninjected=1";
  Random random(99);
  const auto text = format_output("response", value, random);
  const auto parsed = testing::parse_github_output(text);
  ASSERT_EQ(parsed.error, "");
  EXPECT_NE(parsed.delimiters.at("response"), first_delimiter);
  EXPECT_EQ(parsed.values.at("response"), value);
  EXPECT_FALSE(parsed.values.contains("injected"));
}

TEST(OutputFile, CarriageReturnAloneAlsoMeansHeredoc) {
  Random random(3);
  EXPECT_TRUE(format_output("message", "a\rb", random).starts_with("message<<"));
}

TEST(OutputFile, NamesTheRunnerCannotParseAreRefused) {
  Random random(4);
  EXPECT_THROW(format_output("", "x", random), Error);
  EXPECT_THROW(format_output("a=b", "x", random), Error);
  EXPECT_THROW(format_output("a<b", "x", random), Error);
  EXPECT_THROW(format_output("a\nb", "x", random), Error);
}

TEST(OutputFile, AppendFileAppendsToWhatIsThereAndCreatesMissingFiles) {
  const rsolv::testing::TempDir dir("rsolv-append");
  {
    AppendFile existing(dir.write("existing", "earlier=1\n"), "GITHUB_OUTPUT");
    existing.append("later=2\n");
    AppendFile fresh(dir.file("fresh"), "GITHUB_STEP_SUMMARY");
    fresh.append("# one\n");
    fresh.append("# two\n");
  }
  EXPECT_EQ(read_file(dir.file("existing")), "earlier=1\nlater=2\n");
  EXPECT_EQ(read_file(dir.file("fresh")), "# one\n# two\n");
}

TEST(OutputFile, UnopenableFileIsAOneLineErrorNamingTheVariable) {
  try {
    AppendFile file("/nonexistent-dir/set_output", "GITHUB_OUTPUT");
    FAIL() << "opened a file in a missing directory";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("GITHUB_OUTPUT"), std::string::npos) << message;
    EXPECT_NE(message.find("/nonexistent-dir/set_output"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace rsolv::action
