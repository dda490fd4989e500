#include "rsolv/action/inputs.hpp"

#include <gtest/gtest.h>

#include <map>

#include "rsolv/common/error.hpp"

namespace rsolv::action {
namespace {

const std::string kKey = "rsolv_TESTKEYtestkeyTESTKEYtestkeyTESTKEYtes";

struct FakeEnv {
  std::map<std::string, std::string, std::less<>> vars;
  EnvLookup lookup() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      const auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

FakeEnv runner(std::map<std::string, std::string, std::less<>> extra = {}) {
  FakeEnv env;
  env.vars = {{"INPUT_COMMAND", "check"}, {"INPUT_API-KEY", kKey}, {"INPUT_API-URL", "https://api.rsolv.dev"},
              {"INPUT_REPOSITORY", ""},   {"INPUT_PR-NUMBER", ""},  {"INPUT_COMMIT-SHA", ""},
              {"INPUT_ON-API-ERROR", "fail"}, {"INPUT_TIMEOUT-SECONDS", "30"}, {"INPUT_MAX-RETRIES", "3"},
              {"GITHUB_REPOSITORY", "octo-org/octo-repo"}};
  for (auto& [name, value] : extra) env.vars[name] = value;
  return env;
}

PullRequestEvent merged_event(long long number = 42) {
  PullRequestEvent event;
  event.number = number;
  event.merged = true;
  event.state = "closed";
  event.merge_commit_sha = "ABCDEF0123456789";
  event.head_sha = "1111111";
  event.merged_at = "2025-11-20T10:00:00Z";
  return event;
}

std::string usage_error(const Flags& flags, const FakeEnv& env, const std::optional<PullRequestEvent>& event = {}) {
  try {
    resolve_inputs(flags, env.lookup(), event);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(Inputs, EnvNameIsUpperCasedWithHyphensKeptAndSpacesUnderscored) {
  EXPECT_EQ(input_env_name("api-key"), "INPUT_API-KEY");
  EXPECT_EQ(input_env_name("timeout-seconds"), "INPUT_TIMEOUT-SECONDS");
  EXPECT_EQ(input_env_name("pr number"), "INPUT_PR_NUMBER");
}

TEST(Inputs, EmptyInputsCountAsUnsetAndValuesAreTrimmed) {
  FakeEnv env;
  env.vars = {{"INPUT_PR-NUMBER", ""}, {"INPUT_API-URL", "  http://127.0.0.1:4000/ \n"}};
  EXPECT_FALSE(read_input(env.lookup(), "pr-number"));
  EXPECT_EQ(read_input(env.lookup(), "api-url"), "http://127.0.0.1:4000/");
}

TEST(Inputs, UnderscoreSpellingIsAcceptedWhenTheHyphenOneIsAbsent) {
  FakeEnv env;
  env.vars = {{"INPUT_MAX_RETRIES", "5"}};
  EXPECT_EQ(read_input(env.lookup(), "max-retries"), "5");
  env.vars["INPUT_MAX-RETRIES"] = "2";
  EXPECT_EQ(read_input(env.lookup(), "max-retries"), "2");
}

TEST(Inputs, RunnerDefaultsResolveToACheck) {
  const auto inputs = resolve_inputs({}, runner().lookup(), std::nullopt);
  EXPECT_EQ(inputs.command, Command::check);
  EXPECT_EQ(inputs.api_key.reveal(), kKey);
  EXPECT_EQ(inputs.api_url, "https://api.rsolv.dev");
  EXPECT_EQ(inputs.repository, "octo-org/octo-repo");
  EXPECT_EQ(inputs.github_org, "octo-org");
  EXPECT_EQ(inputs.repo_name, "octo-repo");
  EXPECT_EQ(inputs.on_api_error, OnApiError::fail);
  EXPECT_EQ(inputs.timeout_seconds, 30);
  EXPECT_EQ(inputs.max_retries, 3);
  EXPECT_TRUE(inputs.warnings.empty());
}

TEST(Inputs, FlagBeatsInputBeatsRsolvVariable) {
  auto env = runner({{"RSOLV_API_URL", "http://127.0.0.1:1"}});
  env.vars.erase("INPUT_API-URL");
  EXPECT_EQ(resolve_inputs({}, env.lookup(), std::nullopt).api_url, "http://127.0.0.1:1");
  env.vars["INPUT_API-URL"] = "http://127.0.0.1:2/";
  EXPECT_EQ(resolve_inputs({}, env.lookup(), std::nullopt).api_url, "http://127.0.0.1:2");
  Flags flags;
  flags.api_url = "http://127.0.0.1:3";
  EXPECT_EQ(resolve_inputs(flags, env.lookup(), std::nullopt).api_url, "http://127.0.0.1:3");
}

TEST(Inputs, KeyComesFromRsolvApiKeyOutsideActionsAndIsTrimmed) {
  FakeEnv env;
  env.vars = {{"RSOLV_API_KEY", kKey + "\n"}};
  const auto key = find_api_key({}, env.lookup());
  ASSERT_TRUE(key);
  EXPECT_EQ(key->reveal(), kKey);
  EXPECT_FALSE(find_api_key({}, FakeEnv{}.lookup()));
}

TEST(Inputs, ReportTakesPrCommitAndMergeTimeFromAMergedPullRequestEvent) {
  const auto inputs = resolve_inputs({}, runner({{"INPUT_COMMAND", "report"}}).lookup(), merged_event());
  EXPECT_EQ(inputs.command, Command::report);
  EXPECT_EQ(inputs.pr_number, 42);
  EXPECT_EQ(inputs.commit_sha, "abcdef0123456789");  // lower-cased
  EXPECT_EQ(inputs.merged_at, "2025-11-20T10:00:00Z");
  EXPECT_FALSE(inputs.pr_not_merged);
}

TEST(Inputs, ExplicitInputsOverrideTheEvent) {
  const auto inputs = resolve_inputs(
      {}, runner({{"INPUT_COMMAND", "report"}, {"INPUT_PR-NUMBER", "7"}, {"INPUT_COMMIT-SHA", "fedcba9"}}).lookup(),
      merged_event(42));
  EXPECT_EQ(inputs.pr_number, 7);
  EXPECT_EQ(inputs.commit_sha, "fedcba9");
  EXPECT_FALSE(inputs.merged_at);  // the event describes another PR
}

TEST(Inputs, ReportOnAPullRequestClosedWithoutMergeIsMarkedNotMerged) {
  auto event = merged_event(9);
  event.merged = false;
  event.merged_at.reset();
  const auto inputs = resolve_inputs({}, runner({{"INPUT_COMMAND", "report"}}).lookup(), event);
  EXPECT_TRUE(inputs.pr_not_merged);
  EXPECT_EQ(inputs.pr_state, "closed");
  EXPECT_EQ(inputs.pr_number, 9);
}

TEST(Inputs, ReportWithoutPrOrRepositorySaysWhatToSet) {
  auto env = runner({{"INPUT_COMMAND", "report"}});
  EXPECT_NE(usage_error({}, env).find("pr-number"), std::string::npos);
  env.vars.erase("GITHUB_REPOSITORY");
  env.vars["INPUT_PR-NUMBER"] = "3";
  EXPECT_NE(usage_error({}, env).find("repository"), std::string::npos);
}

TEST(Inputs, EveryBadInputIsOneLineNamingTheInput) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"INPUT_COMMAND", "deploy"},       {"INPUT_API-URL", "ftp://api.rsolv.dev"},
      {"INPUT_API-URL", "https://user:pw@api.rsolv.dev"},
      {"INPUT_REPOSITORY", "no-slash"},  {"INPUT_REPOSITORY", "a/b c"},
      {"INPUT_PR-NUMBER", "abc"},        {"INPUT_PR-NUMBER", "0"},
      {"INPUT_COMMIT-SHA", "xyz"},       {"INPUT_ON-API-ERROR", "ignore"},
      {"INPUT_TIMEOUT-SECONDS", "0"},    {"INPUT_TIMEOUT-SECONDS", "10s"},
      {"INPUT_MAX-RETRIES", "-1"},       {"INPUT_MAX-RETRIES", "11"}};
  for (const auto& [name, value] : cases) {
    const auto message = usage_error({}, runner({{name, value}}));
    std::string input = name.substr(6);
    for (auto& c : input) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_NE(message, "(no error)") << name << "=" << value;
    EXPECT_NE(message.find(input), std::string::npos) << name << "=" << value << ": " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(Inputs, MissingKeySaysWhereKeysComeFrom) {
  auto env = runner();
  env.vars["INPUT_API-KEY"] = "";
  const auto message = usage_error({}, env);
  EXPECT_NE(message.find("secrets.RSOLV_API_KEY"), std::string::npos) << message;
}

TEST(Inputs, KeyIsNeverQuotedInAnError) {
  // A key pasted into the wrong input, or with a stray space, must not be echoed back.
  auto env = runner({{"INPUT_COMMAND", kKey}});
  EXPECT_EQ(usage_error({}, env).find(kKey), std::string::npos);
  env = runner({{"INPUT_API-KEY", kKey + " extra"}});
  const auto message = usage_error({}, env);
  EXPECT_NE(message.find("api-key"), std::string::npos);
  EXPECT_EQ(message.find(kKey), std::string::npos);
}

TEST(Inputs, PlainHttpToARemoteHostIsAWarningButLoopbackIsNot) {
  EXPECT_TRUE(resolve_inputs({}, runner({{"INPUT_API-URL", "http://127.0.0.1:4000"}}).lookup(), std::nullopt)
                  .warnings.empty());
  EXPECT_TRUE(resolve_inputs({}, runner({{"INPUT_API-URL", "http://localhost:4000"}}).lookup(), std::nullopt)
                  .warnings.empty());
  const auto remote = resolve_inputs({}, runner({{"INPUT_API-URL", "http://sandbox:4000"}}).lookup(), std::nullopt);
  ASSERT_EQ(remote.warnings.size(), 1u);
  EXPECT_NE(remote.warnings[0].find("unencrypted"), std::string::npos);
}

// Names that only start like a loopback address resolve wherever their owner points them: the API
// key would travel unencrypted to that host, so they are warned about like any remote host.
TEST(Inputs, NamesThatLookLoopbackArePlainHttpToARemoteHost) {
  for (const char* url : {"http://127.evil.example", "http://127.0.0.1.evil.example:4000/", "http://localhost.evil.example"}) {
    const auto inputs = resolve_inputs({}, runner({{"INPUT_API-URL", url}}).lookup(), std::nullopt);
    ASSERT_EQ(inputs.warnings.size(), 1u) << url;
    EXPECT_NE(inputs.warnings[0].find("non-loopback host"), std::string::npos) << inputs.warnings[0];
  }
  for (const char* url : {"http://[::1]:4000", "http://127.8.9.10:4000/", "http://[::ffff:127.0.0.1]:4000"}) {
    EXPECT_TRUE(resolve_inputs({}, runner({{"INPUT_API-URL", url}}).lookup(), std::nullopt).warnings.empty()) << url;
  }
}

}  // namespace
}  // namespace rsolv::action
