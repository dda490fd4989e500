#include <gtest/gtest.h>

#include <map>

#include "rsolv/common/error.hpp"
#include "rsolv/config/env_expand.hpp"

namespace rsolv::config {
namespace {

EnvLookup fake_env(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(EnvExpand, SubstitutesSetVariables) {
  EXPECT_EQ(expand_env("${env.HOST}:${env.PORT}/api", fake_env({{"HOST", "127.0.0.1"}, {"PORT", "4000"}})),
            "127.0.0.1:4000/api");
}

TEST(EnvExpand, ColonDefaultAppliesWhenUnset) {
  const auto env = fake_env({{"SET", "value"}});
  EXPECT_EQ(expand_env("${env.UNSET:-fallback}", env), "fallback");
  EXPECT_EQ(expand_env("${env.SET:-fallback}", env), "value");
  EXPECT_EQ(expand_env("${env.UNSET:-}", env), "");
  EXPECT_EQ(expand_env("${env.UNSET:-http://x:1/y}", env), "http://x:1/y");
}

// As in a shell: ":-" treats an empty value as unset (GitHub passes an unset `vars.X` as ""), so
// `${env.URL:-http://127.0.0.1:4000}` never becomes "URL '' has no scheme".
TEST(EnvExpand, ColonDefaultAlsoAppliesWhenSetButEmpty) {
  EXPECT_EQ(expand_env("[${env.E:-d}]", fake_env({{"E", ""}})), "[d]");
  EXPECT_EQ(expand_env("${env.URL:-http://127.0.0.1:4000}", fake_env({{"URL", ""}})), "http://127.0.0.1:4000");
}

TEST(EnvExpand, DashDefaultAppliesOnlyWhenUnset) {
  EXPECT_EQ(expand_env("[${env.E-d}]", fake_env({{"E", ""}})), "[]");
  EXPECT_EQ(expand_env("[${env.E-d}]", fake_env({})), "[d]");
  EXPECT_EQ(expand_env("[${env.E-d}]", fake_env({{"E", "v"}})), "[v]");
  EXPECT_EQ(expand_env("${env.U-a:-b}", fake_env({})), "a:-b");
  EXPECT_EQ(expand_env("${env.U-}", fake_env({})), "");
}

TEST(EnvExpand, NestedDefaultIsRefusedInBothForms) {
  EXPECT_THROW(expand_env("${env.A-${env.B}}", fake_env({})), UsageError);
}

TEST(EnvExpand, UnsetWithoutDefaultIsAnErrorThatSaysWhatToDo) {
  try {
    expand_env("${env.RSOLV_API_KEY}", fake_env({}));
    FAIL() << "expected an error";
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(),
                 "environment variable RSOLV_API_KEY is not set (export it or write ${env.RSOLV_API_KEY:-default})");
  }
}

TEST(EnvExpand, OtherTemplatesAreLeftForTheLoadGenerator) {
  EXPECT_EQ(expand_env("/users/${vu}/${iter}?t=${now}", fake_env({})), "/users/${vu}/${iter}?t=${now}");
}

TEST(EnvExpand, DoubleDollarEscapes) { EXPECT_EQ(expand_env("$${env.X}", fake_env({{"X", "no"}})), "${env.X}"); }

std::string error_of(std::string_view text, const EnvLookup& env) {
  try {
    return "(no error) " + expand_env(text, env);
  } catch (const UsageError& error) {
    return error.what();
  }
}

TEST(EnvExpand, UnterminatedIsAnErrorThatSaysHowToClose) {
  EXPECT_EQ(error_of("abc ${env.X", fake_env({{"X", "1"}})), "unterminated '${env.' in \"abc ${env.X\" (close it with '}')");
  EXPECT_NE(error_of("${env.X:-default", fake_env({})).find("unterminated"), std::string::npos);
}

TEST(EnvExpand, SeveralReferencesAndLiteralTextAroundThem) {
  EXPECT_EQ(expand_env("a${env.A}b${env.B:-x}c${env.A}", fake_env({{"A", "1"}})), "a1bxc1");
  EXPECT_EQ(expand_env("no references at all: $HOME {env.X} $", fake_env({})), "no references at all: $HOME {env.X} $");
}

TEST(EnvExpand, ValuesAreNotExpandedAgain) {
  // A value that itself looks like a reference stays literal: no second pass, no recursion.
  EXPECT_EQ(expand_env("${env.A}", fake_env({{"A", "${env.B}"}, {"B", "leak"}})), "${env.B}");
}

TEST(EnvExpand, EscapeNextToARealReference) {
  EXPECT_EQ(expand_env("$${env.A}=${env.A}", fake_env({{"A", "1"}})), "${env.A}=1");
}

TEST(EnvExpand, NestedReferenceInADefaultIsRefused) {
  EXPECT_EQ(error_of("${env.A:-${env.B}}", fake_env({{"B", "b"}})),
            "nested '${' in the default of ${env.A:-...} is not supported (write a literal default)");
}

TEST(EnvExpand, DefaultMayHoldColonsDashesAndSpaces) {
  EXPECT_EQ(expand_env("${env.U:-a:-b c-d}", fake_env({})), "a:-b c-d");
}

TEST(EnvExpand, InvalidNameIsAnError) {
  EXPECT_EQ(error_of("${env.A B}", fake_env({})),
            "invalid environment variable name 'A B' in ${env.A B} (use letters, digits and '_')");
  EXPECT_THROW(expand_env("${env.}", fake_env({})), UsageError);
  EXPECT_THROW(expand_env("${env.1ABC}", fake_env({})), UsageError);
  EXPECT_THROW(expand_env("${env.A.B}", fake_env({})), UsageError);
  // "${env.A-B}" is not a name with a hyphen: "-" starts the unset-only default, as in a shell.
  EXPECT_EQ(expand_env("${env.A-B}", fake_env({})), "B");
}

TEST(EnvExpand, ProcessEnvironmentIsRead) {
  ::setenv("RSOLV_CONFIG_TEST_VAR", "from-process", 1);
  EXPECT_EQ(expand_env("${env.RSOLV_CONFIG_TEST_VAR}", process_env()), "from-process");
  ::unsetenv("RSOLV_CONFIG_TEST_VAR");
}

}  // namespace
}  // namespace rsolv::config
