// The rsolv-sandbox command line as documented in DESIGN.md: exit codes, one-line errors, the first
// stdout line, the secret from the environment, and the seed file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include "support/sandbox_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;
using nlohmann::json;

process::CommandResult sandbox_cli(const std::vector<std::string>& args,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(20),
                                   const std::vector<std::pair<std::string, std::string>>& env = {}) {
  return process::run(sandbox_binary(), args, env, timeout);
}

TEST(Cli, VersionAndHelp) {
  const auto version = sandbox_cli({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("rsolv-sandbox"), std::string::npos);
  const auto help = sandbox_cli({"serve", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--listen", "--db", "--webhook-secret", "--pro-price-id", "--rate-limit-onboard",
                           "--rate-limit-api", "--threads", "--access-log", "--allow-remote"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

TEST(Cli, TheFirstStdoutLineIsTheBoundAddress) {
  TempDir dir;
  const auto result = sandbox_cli({"serve", "--listen", "127.0.0.1:0", "--db", (dir.path() / "a.db").string(),
                                   "--webhook-secret", "whsec_cli"},
                                  std::chrono::milliseconds(1500));
  EXPECT_TRUE(result.timed_out) << result.err;
  EXPECT_TRUE(std::regex_search(result.out, std::regex(R"(^listening on http://127\.0\.0\.1:[1-9][0-9]*\n)"))) << result.out;
}

TEST(Cli, NonLoopbackAddressesAreRefusedWithoutAllowRemote) {
  TempDir dir;
  const auto result = sandbox_cli(
      {"serve", "--listen", "0.0.0.0:0", "--db", (dir.path() / "a.db").string(), "--webhook-secret", "whsec_cli"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.err.starts_with("rsolv-sandbox: error: refusing to listen on 0.0.0.0")) << result.err;
  EXPECT_NE(result.err.find("--allow-remote"), std::string::npos);
}

TEST(Cli, AMissingWebhookSecretIsAUsageError) {
  TempDir dir;
  const auto result = sandbox_cli({"serve", "--listen", "127.0.0.1:0", "--db", (dir.path() / "a.db").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("RSOLV_WEBHOOK_SECRET"), std::string::npos) << result.err;
}

TEST(Cli, BadRateLimitsAndAddressesAreOneLineUsageErrors) {
  TempDir dir;
  const auto db = (dir.path() / "a.db").string();
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--rate-limit-api", "500"},
                                                std::vector<std::string>{"--rate-limit-onboard", "ten/3600"},
                                                std::vector<std::string>{"--listen", "127.0.0.1:99999"}}) {
    std::vector<std::string> args = {"serve", "--db", db, "--webhook-secret", "whsec_cli"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = sandbox_cli(args);
    EXPECT_EQ(result.exit_code, 2) << extra[0];
    EXPECT_TRUE(result.err.starts_with("rsolv-sandbox: error: ")) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

TEST(Cli, APortInUseIsAnErrorNamingTheAddress) {
  Sandbox running;
  TempDir dir;
  const auto address = "127.0.0.1:" + std::to_string(running.port());
  const auto result = sandbox_cli(
      {"serve", "--listen", address, "--db", (dir.path() / "a.db").string(), "--webhook-secret", "whsec_cli"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot listen on " + address), std::string::npos) << result.err;
}

TEST(Cli, TheWebhookSecretCanComeFromTheEnvironmentOnly) {
  SandboxOptions options;
  options.pass_secret_flag = false;
  Sandbox sb(options);
  std::ifstream cmdline("/proc/" + std::to_string(sb.process().pid()) + "/cmdline");
  const std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  EXPECT_EQ(args.find(sb.secret()), std::string::npos);
  const auto customer = *sb.stripe_customer("pro_active");
  const auto reply = sb.webhook(stripe_event(unique_id("evt_"), "invoice.payment_succeeded", pro_invoice(customer)));
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("status"), "processed");
}

TEST(Cli, SeedWritesTheNineStatesToAPrivateFileAndNoKeyToTheTerminal) {
  TempDir dir;
  const auto out = dir.path() / "keys.json";
  const auto result = sandbox_cli({"seed", "--db", (dir.path() / "s.db").string(), "--out", out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  struct stat info {};
  ASSERT_EQ(::stat(out.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::ifstream in(out);
  const auto keys = json::parse(in);
  std::set<std::string> states;
  for (const auto& customer : keys.at("customers")) {
    states.insert(customer.at("state").get<std::string>());
    const std::string key = customer.at("api_key");
    EXPECT_TRUE(key.starts_with("rsolv_"));
    EXPECT_EQ(result.out.find(key), std::string::npos);
    EXPECT_EQ(result.err.find(key), std::string::npos);
  }
  EXPECT_EQ(states, (std::set<std::string>{"trial_no_billing", "trial_with_billing", "trial_expired", "payg", "pro_active",
                                           "pro_past_due", "pro_cancelled", "pro_cancel_scheduled", "pro_renewed"}));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << "no temp file left behind";
  }
}

TEST(Cli, SeedIntoAnUnwritableDirectoryFailsWithTheReason) {
  TempDir dir;
  const auto result = sandbox_cli({"seed", "--db", (dir.path() / "s.db").string(), "--out", "/nonexistent-dir/keys.json"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot write /nonexistent-dir/keys.json"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace rsolv::sandbox
