// The real rsolv-security binary against the real rsolv-sandbox on loopback, where no suite may cry
// wolf, directly and behind a hostile proxy. Built only with the sandbox (rsolv_sandbox_testing).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "rsolv/sandbox/testing/sandbox_process.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "hostile_proxy.hpp"
#include "security_cli.hpp"

namespace rsolv::security {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kWebhookSecret = "whsec_sandbox_target_0123456789abcdef";

using rsolv::security::testing::run_security;
using rsolv::security::testing::SecurityRun;
using rsolv::testing::TempDir;

// The sandbox as the security suites probe it: limits the rate-limit suite reaches in seconds, yet
// high enough that the other suites' probes (same key, same address) never meet them.
rsolv::sandbox::testing::SandboxOptions sandbox_options() {
  rsolv::sandbox::testing::SandboxOptions options;
  options.webhook_secret = kWebhookSecret;
  options.pass_secret_flag = false;  // as deployed: RSOLV_WEBHOOK_SECRET
  options.rate_limit_api = "400/3600";
  options.rate_limit_onboard = "200/3600";
  return options;
}

SecurityRun run_against_sandbox(const rsolv::sandbox::testing::SandboxProcess& sandbox, const std::string& url,
                                const fs::path& dir) {
  fs::copy_file(fs::path(RSOLV_SOURCE_DIR) / "examples/targets/sandbox.yaml", dir / "target.yaml",
                fs::copy_options::overwrite_existing);
  return run_security(dir, {}, {{"RSOLV_TARGET", url}, {"RSOLV_API_KEY", sandbox.key("payg")},
                                {"RSOLV_API_KEY_2", sandbox.key("pro_active")},
                                {"RSOLV_WEBHOOK_SECRET", kWebhookSecret}, {"RSOLV_API_LIMIT", "400"},
                                {"RSOLV_ONBOARD_LIMIT", "200"},
                                {"RSOLV_ACCESS_LOG", sandbox.access_log_path().string()}});
}

TEST(SandboxTarget, TheSandboxPassesEverySuite) {
  const rsolv::sandbox::testing::SandboxProcess sandbox(sandbox_options());
  const TempDir dir("rsolv-security-sandbox");
  const auto run = run_against_sandbox(sandbox, sandbox.url(), dir.path());
  EXPECT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
  EXPECT_TRUE(run.rule_ids().empty()) << run.report.dump(1).substr(0, 3000);
  EXPECT_GE(run.report.at("checks").size(), 25u) << "every suite ran its checks";
  EXPECT_EQ(run.report.at("summary").at("inconclusive"), 0) << run.result.out;
  // The per-suite table (checks and requests), for docs/security.md's numbers.
  const auto table = run.result.out.find("  suite ");
  if (table != std::string::npos) std::printf("%s", run.result.out.substr(table).c_str());
  EXPECT_EQ(json::parse(run.sarif).at("runs").at(0).at("results").size(), 0u);
  EXPECT_EQ(run.junit.find("<failure"), std::string::npos);
  EXPECT_EQ(run.sarif.find(sandbox.key("payg")), std::string::npos);
  EXPECT_EQ(run.report.dump().find(kWebhookSecret), std::string::npos);
}

TEST(HostileTarget, AFlawlessButHostileTargetGivesNoFindingInThreeRunsInARow) {
  for (int round = 1; round <= 3; ++round) {
    SCOPED_TRACE("run " + std::to_string(round));
    const rsolv::sandbox::testing::SandboxProcess sandbox(sandbox_options());
    const rsolv::security::testing::HostileProxy hostile(sandbox.url());
    const TempDir dir("rsolv-security-hostile");
    const auto run = run_against_sandbox(sandbox, hostile.base_url(), dir.path());
    EXPECT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
    EXPECT_EQ(run.findings(), 0u) << run.result.out;
    EXPECT_EQ(json::parse(run.sarif).at("runs").at(0).at("results").size(), 0u);
    // The hostility was real: inputs came back, load was shed, malformed JSON got a bare 500.
    EXPECT_GE(hostile.shed_count(), 1u);
    EXPECT_GE(hostile.bad_json_count(), 1u);
    std::string inconclusive;
    for (const auto& check : run.report.value("checks", json::array())) {
      if (check.at("status") == "inconclusive") {
        inconclusive += "\n    " + check.at("name").get<std::string>() + ": " + check.at("detail").get<std::string>();
      }
    }
    std::printf("[hostile run %d] %zu requests through the proxy, %zu shed with 429, %zu findings; inconclusive:%s\n",
                round, hostile.request_count(), hostile.shed_count(), run.findings(), inconclusive.c_str());
  }
}

}  // namespace
}  // namespace rsolv::security
