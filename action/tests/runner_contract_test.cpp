// The runner's side of the contract: inputs as INPUT_* (hyphens kept), outputs in GITHUB_OUTPUT,
// the step summary, masking, annotations, exit codes, and the same binary as a plain CLI.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/runner_env.hpp"
#include "support/sandbox.hpp"

namespace rsolv::action {
namespace {

using namespace rsolv::action::testing;

class RunnerContract : public ::testing::Test {
 protected:
  RunnerStep check(const std::string& key) {
    RunnerStep step;
    step.with("command", "check").with("api-key", key).with("api-url", sandbox.url());
    return step;
  }
  Sandbox sandbox;
};

TEST_F(RunnerContract, OutputsFileIsWhatTheRunnerParsesWithAHeredocForTheJsonAnswer) {
  const auto key = sandbox.key("pro_active");
  const auto result = check(key).run();
  ASSERT_EQ(result.exit_code, 0) << result.out;
  ASSERT_EQ(result.outputs.error, "") << result.output_file;
  // The multi-line JSON answer travels in a heredoc whose delimiter is random and absent from it.
  ASSERT_TRUE(result.outputs.delimiters.contains("response")) << result.output_file;
  const auto& delimiter = result.outputs.delimiters.at("response");
  EXPECT_TRUE(delimiter.starts_with("ghadelimiter_"));
  EXPECT_EQ(result.output("response").find(delimiter), std::string::npos);
  const auto direct = sandbox.json_call("GET", "/api/v1/entitlement", key);
  EXPECT_EQ(nlohmann::json::parse(result.output("response")), direct);
  // Every other output is a one-line name=value.
  for (const auto& [name, value] : result.outputs.values) {
    if (name != "response") {
      EXPECT_FALSE(result.outputs.delimiters.contains(name)) << name;
    }
  }
  // Another run of a later step appends; nothing the first wrote is lost.
  EXPECT_EQ(result.output("credit-balance"), "45");
}

TEST_F(RunnerContract, EveryOutputWrittenIsDeclaredInActionYml) {
  const auto declared = load_action_yml().outputs;
  const std::set<std::string> names(declared.begin(), declared.end());
  const auto key = sandbox.key("payg");
  auto reported = RunnerStep();
  reported.with("command", "report").with("api-key", key).with("api-url", sandbox.url()).event(pull_request_event(3, true));
  for (const auto& result : {check(key).run(), reported.run()}) {
    ASSERT_EQ(result.outputs.error, "");
    ASSERT_FALSE(result.outputs.values.empty());
    for (const auto& [name, value] : result.outputs.values) EXPECT_TRUE(names.contains(name)) << name << " is not in action.yml";
  }
}

TEST_F(RunnerContract, KeyIsMaskedOnTheFirstLineAndGroupsHoldTheHttpDetail) {
  const auto key = sandbox.key("trial_with_billing");
  const auto result = check(key).run();
  ASSERT_EQ(result.exit_code, 0);
  const auto lines = result.out_lines();
  ASSERT_GE(lines.size(), 4u) << result.out;
  EXPECT_EQ(lines[0], "::add-mask::" + key);
  EXPECT_TRUE(lines[1].starts_with("::group::RSOLV API: GET /api/v1/entitlement")) << lines[1];
  EXPECT_NE(std::find(lines.begin(), lines.end(), "::endgroup::"), lines.end());
  EXPECT_NE(result.out.find("x-api-key: [redacted]"), std::string::npos) << result.out;
  expect_key_never_leaked(result, key, true, {sandbox.access_log_path(), sandbox.stderr_path()});
}

TEST_F(RunnerContract, BadInputsExitTwoWithOneErrorLineNamingTheInput) {
  const auto key = sandbox.key("pro_active");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"command", "deploy"},        {"api-url", "ftp://x"},        {"repository", "not a repo"},
      {"pr-number", "abc"},         {"commit-sha", "not-hex"},     {"on-api-error", "ignore"},
      {"timeout-seconds", "0"},     {"max-retries", "99"},         {"api-key", "two words"}};
  for (const auto& [input, value] : cases) {
    auto step = check(key);
    step.with("command", input == "command" ? value : "report").event(pull_request_event(5, true));
    if (input != "command") step.with(input, value);
    const auto result = step.run();
    EXPECT_EQ(result.exit_code, 2) << input << "=" << value << "\n" << result.out;
    std::vector<std::string> errors;
    for (const auto& line : result.out_lines()) {
      if (line.starts_with("::error")) errors.push_back(line);
    }
    ASSERT_EQ(errors.size(), 1u) << result.out;
    EXPECT_NE(errors[0].find(input), std::string::npos) << errors[0];
    EXPECT_EQ(result.output_file, "") << "no outputs for bad input";
    if (input != "api-key") expect_key_never_leaked(result, key, true);
  }
}

TEST_F(RunnerContract, MissingKeyExitsTwo) {
  const auto result = check("").run();
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.out.find("::error title=rsolv-action%3A bad input::the api-key input is empty"), std::string::npos)
      << result.out;
}

TEST_F(RunnerContract, RejectedKeyExitsTwoEvenUnderWarn) {
  const std::string wrong = "rsolv_" + std::string(43, 'Q');
  auto step = check(wrong);
  step.with("on-api-error", "warn");
  const auto result = step.run();
  EXPECT_EQ(result.exit_code, 2) << result.out;
  EXPECT_EQ(result.output("reason"), "invalid_api_key");
  EXPECT_NE(result.out.find("rejected the api-key"), std::string::npos);
  expect_key_never_leaked(result, wrong, true, {sandbox.access_log_path(), sandbox.stderr_path()});
}

TEST_F(RunnerContract, ActionYmlDefaultsAreWhatTheBinaryUses) {
  // The runner passes every declared default; a step that sets only the key and URL must work,
  // and the timeout/retries defaults must be accepted values.
  const auto yml = load_action_yml();
  EXPECT_EQ(yml.inputs.at("command"), "check");
  EXPECT_EQ(yml.inputs.at("api-url"), "https://api.rsolv.dev");
  EXPECT_EQ(yml.inputs.at("on-api-error"), "fail");
  EXPECT_EQ(yml.inputs.at("timeout-seconds"), "30");
  EXPECT_EQ(yml.inputs.at("max-retries"), "3");
  const std::set<std::string> expected = {"command", "api-key", "api-url", "repository", "pr-number",
                                          "commit-sha", "on-api-error", "timeout-seconds", "max-retries"};
  std::set<std::string> declared;
  for (const auto& [name, fallback] : yml.inputs) declared.insert(name);
  EXPECT_EQ(declared, expected);
  RunnerStep step;
  step.with("api-key", sandbox.key("pro_active")).with("api-url", sandbox.url());
  EXPECT_EQ(step.run().exit_code, 0);
}

TEST_F(RunnerContract, SameBinaryIsAReadableCliOutsideActions) {
  const auto key = sandbox.key("pro_renewed");
  TempDir dir;
  const auto output = dir.path() / "result.json";
  const auto result = run_cli({"check", "--api-url", sandbox.url(), "--output", output.string()},
                              {{"RSOLV_API_KEY", key}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find("::"), std::string::npos) << "no workflow commands outside Actions:\n" << result.out;
  EXPECT_NE(result.out.find("rsolv-action check: entitled: 60 credits left"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  reason: credits"), std::string::npos);
  const auto written = nlohmann::json::parse(read_file(output));
  EXPECT_EQ(written["entitled"], "true");
  EXPECT_EQ(written["credit-balance"], "60");
  expect_key_never_leaked(result, key, /*masked=*/false, {output});

  const auto refused = run_cli({"report", "--api-url", sandbox.url(), "--repository", "o/r", "--pr-number", "1",
                                "--commit-sha", "abcdef1"},
                               {{"RSOLV_API_KEY", sandbox.key("trial_expired")}});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(refused.err.starts_with("rsolv-action: error: o/r#1 not billed")) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
}

TEST_F(RunnerContract, CliBadInputIsOneStderrLineAndExitTwo) {
  const std::vector<std::pair<std::string, std::string>> env = {
      {"RSOLV_API_KEY", sandbox.key("payg")}, {"RSOLV_API_URL", sandbox.url()}, {"GITHUB_REPOSITORY", "o/r"}};
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"report", "--pr-number", "x"}, {"check", "--no-such-flag"}, {"deploy"}, {}}) {
    const auto result = run_cli(args, env);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_TRUE(result.err.starts_with("rsolv-action: error: ")) << result.err;
    EXPECT_EQ(result.out, "");
  }
  const auto no_key = run_cli({"check", "--api-url", sandbox.url()}, {});
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("RSOLV_API_KEY"), std::string::npos) << no_key.err;
}

TEST_F(RunnerContract, HelpListsEveryInputAsAFlagAndVersionIsOneLine) {
  const auto version = run_cli({"--version"}, {});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_TRUE(std::regex_match(version.out, std::regex(R"(\d+\.\d+\.\d+\n)"))) << version.out;
  const auto help = run_cli({"--help"}, {});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const auto& [input, fallback] : load_action_yml().inputs) {
    if (input == "command") continue;  // the positional argument
    EXPECT_NE(help.out.find("--" + input), std::string::npos) << "--help does not list --" << input;
  }
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos) << help.out;
  // On a runner even --help comes after the mask of a key the step was given.
  const auto key = sandbox.key("payg");
  RunnerStep step;
  step.with("api-key", key);
  const auto on_runner = step.run({"--help"});
  EXPECT_EQ(on_runner.exit_code, 0);
  expect_key_never_leaked(on_runner, key, true);
}

TEST_F(RunnerContract, KeyPassedAsAFlagNeverShowsInAParseError) {
  const auto key = sandbox.key("payg");
  const auto result = run_cli({"check", "--api-key", key, key}, {});
  EXPECT_EQ(result.exit_code, 2);
  expect_key_never_leaked(result, key, false);
  RunnerStep step;
  step.with("api-key", key);
  const auto on_runner = step.run({"--api-key=" + key, "--bogus", key});
  EXPECT_EQ(on_runner.exit_code, 2);
  expect_key_never_leaked(on_runner, key, true);
}

TEST_F(RunnerContract, AsRootItDropsToTheUnprivilegedUserAfterOpeningTheRunnersFiles) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root, as the container starts";
  const auto key = sandbox.key("pro_active");
  auto step = check(key);
  // The runner's files are root's and private, as a user 10001 could not open them.
  ASSERT_EQ(::chmod(step.dir().c_str(), 0700), 0);
  ASSERT_EQ(::chmod((step.dir() / "set_output").c_str(), 0600), 0);
  step.env("RSOLV_ACTION_RUN_AS", "10001:10001");
  const auto result = step.run();
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_NE(result.out.find("running as uid 10001, gid 10001"), std::string::npos) << result.out;
  EXPECT_EQ(result.output("entitled"), "true");
  // Anything opened after the drop is opened as 10001: a file in the private directory is refused.
  const auto late = step.run({"--output", (step.dir() / "late.json").string()});
  EXPECT_EQ(late.exit_code, 1) << late.out;
  EXPECT_NE(late.out.find("outputs not written"), std::string::npos) << late.out;
  expect_key_never_leaked(result, key, true);
}

}  // namespace
}  // namespace rsolv::action
