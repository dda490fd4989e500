// The real rsolv-security binary against two real servers on loopback: a deliberately vulnerable
// one, where every suite must find its planted flaw, and rsolv-sandbox, where none may cry wolf.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/sandbox_process.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSecurity = std::string(RSOLV_BIN_DIR) + "/rsolv-security";
const std::string kWebhookSecret = "whsec_suites_test_0123456789abcdef";

using rsolv::testing::read_file;
using rsolv::testing::TempDir;

struct SecurityRun {
  rsolv::process::RunResult result;
  json report;  // --json
  std::string sarif, junit;
  std::set<std::string> rule_ids() const {
    std::set<std::string> ids;
    for (const auto& check : report.value("checks", json::array())) {
      for (const auto& finding : check.at("findings")) ids.insert(finding.at("rule_id").get<std::string>());
    }
    return ids;
  }
};

SecurityRun run_security(const fs::path& dir, const std::vector<std::string>& extra,
                 const std::vector<std::pair<std::string, std::string>>& env = {}) {
  std::vector<std::string> args = {"run", "--target", (dir / "target.yaml").string(), "--json", (dir / "r.json").string(),
                                   "--sarif", (dir / "r.sarif").string(), "--junit", (dir / "r.xml").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  SecurityRun run;
  run.result = rsolv::process::run(kSecurity, args, env, std::chrono::seconds(120));
  if (fs::exists(dir / "r.json")) run.report = json::parse(read_file(dir / "r.json"));
  run.sarif = read_file(dir / "r.sarif");
  run.junit = read_file(dir / "r.xml");
  return run;
}

class VulnerableTarget : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("rsolv-security-vulnerable");
    rsolv::process::ServerOptions options;
    options.executable = VULNERABLE_SERVER;
    options.args = {"--log", (dir_->path() / "app.log").string()};
    server_ = new rsolv::process::ServerProcess(rsolv::process::ServerProcess::start(options));
    std::ofstream(dir_->path() / "target.yaml") << "base_url: " << server_->base_url() << R"(
credentials: {api_key: rsolv_live_key_do_not_leak_0001, second_api_key: rsolv_second_key_0002, webhook_secret: )"
                                         << kWebhookSecret << R"(}
endpoints:
  - {name: search, path: /api/v1/search, auth: true, query: {org: acme}, inputs: {query: [org]}}
  - {name: me, path: /api/v1/customers/me, auth: true, account_data: true}
  - {name: payment-methods, method: POST, path: /api/v1/billing/payment-methods, auth: true,
     body: {payment_method: pm_card_visa}, inputs: {body: [payment_method]}, card_fields: true}
webhook: {replay_probe: true}
limits:
  - {name: api, path: /api/v1/entitlement, auth: true, requests: 20, window_seconds: 3600}
logs: [)" << (dir_->path() / "app.log").string() << "]\n";
    run_ = new SecurityRun(run_security(dir_->path(), {}));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete server_;
    delete dir_;
  }
  static TempDir* dir_;
  static rsolv::process::ServerProcess* server_;
  static SecurityRun* run_;
};
TempDir* VulnerableTarget::dir_ = nullptr;
rsolv::process::ServerProcess* VulnerableTarget::server_ = nullptr;
SecurityRun* VulnerableTarget::run_ = nullptr;

TEST_F(VulnerableTarget, FindingsFailTheRunWithExitCodeOne) {
  EXPECT_EQ(run_->result.exit_code, 1) << run_->result.out << run_->result.err;
  EXPECT_NE(run_->result.out.find("findings"), std::string::npos) << run_->result.out;
}

TEST_F(VulnerableTarget, EverySuiteFindsItsPlantedFlaw) {
  const auto ids = run_->rule_ids();
  for (const auto* expected : {"RSOLV-PCI-001", "RSOLV-PCI-002", "RSOLV-PCI-003", "RSOLV-PCI-004", "RSOLV-SQLI-001",
                               "RSOLV-SQLI-002", "RSOLV-WH-001", "RSOLV-WH-002", "RSOLV-WH-004", "RSOLV-WH-005",
                               "RSOLV-RL-001", "RSOLV-AUTH-001", "RSOLV-AUTH-002", "RSOLV-AUTH-003"}) {
    EXPECT_TRUE(ids.contains(expected)) << expected << " not found; report: " << run_->report.dump(1).substr(0, 3000);
  }
}

TEST_F(VulnerableTarget, ReportsNeverContainTheKeysTheSecretOrACardNumber) {
  const auto stdout_text = run_->result.out + run_->result.err;
  for (const auto& text : {stdout_text, run_->report.dump(), run_->sarif, run_->junit}) {
    EXPECT_EQ(text.find("rsolv_live_key_do_not_leak_0001"), std::string::npos);
    EXPECT_EQ(text.find("rsolv_second_key_0002"), std::string::npos);
    EXPECT_EQ(text.find(kWebhookSecret), std::string::npos);
    for (const auto* card : {"4242424242424242", "4242 4242 4242 4242", "4000056655665556", "5555555555554444"}) {
      EXPECT_EQ(text.find(card), std::string::npos) << card;
    }
  }
}

TEST_F(VulnerableTarget, SarifAndJUnitDescribeTheSameFindings) {
  const auto sarif = json::parse(run_->sarif);
  const auto& results = sarif.at("runs").at(0).at("results");
  EXPECT_EQ(results.size(), run_->report.at("summary").at("findings").get<std::size_t>());
  for (const auto& result : results) {
    EXPECT_TRUE(run_->rule_ids().contains(result.at("ruleId").get<std::string>()));
    EXPECT_FALSE(result.at("message").at("text").get<std::string>().empty());
  }
  EXPECT_NE(run_->junit.find("<failure"), std::string::npos);
}

TEST_F(VulnerableTarget, FailOnCriticalPassesWhenNothingIsThatSevere) {
  // Only the suites whose findings are below critical: the threshold decides the exit code.
  const TempDir dir("rsolv-security-failon");
  fs::copy_file(dir_->path() / "target.yaml", dir.path() / "target.yaml");
  const auto strict = run_security(dir.path(), {"--suite", "rate-limit", "--fail-on", "low", "-q"});
  EXPECT_EQ(strict.result.exit_code, 1) << strict.result.out;
  const auto lenient = run_security(dir.path(), {"--suite", "rate-limit", "--fail-on", "critical", "-q"});
  EXPECT_EQ(lenient.result.exit_code, 0) << lenient.result.out;
  EXPECT_FALSE(lenient.rule_ids().empty()) << "findings are still reported";
}

class SandboxTarget : public ::testing::Test {};

TEST_F(SandboxTarget, TheSandboxPassesEverySuite) {
  rsolv::testing::SandboxOptions options;
  options.webhook_secret = kWebhookSecret;
  options.pass_secret_flag = false;  // as deployed: RSOLV_WEBHOOK_SECRET
  // Limits low enough for the rate-limit suite to reach them (the target file is told them below).
  options.rate_limit_api = "40/3600";
  options.rate_limit_onboard = "5/3600";
  const rsolv::testing::SandboxProcess sandbox(options);
  const TempDir dir("rsolv-security-sandbox");
  fs::copy_file(fs::path(RSOLV_SOURCE_DIR) / "examples/targets/sandbox.yaml", dir.path() / "target.yaml");

  const auto run = run_security(dir.path(), {}, {{"RSOLV_TARGET", sandbox.url()}, {"RSOLV_API_KEY", sandbox.key("payg")},
                                          {"RSOLV_API_KEY_2", sandbox.key("pro_active")},
                                          {"RSOLV_WEBHOOK_SECRET", kWebhookSecret}, {"RSOLV_API_LIMIT", "40"},
                                          {"RSOLV_ONBOARD_LIMIT", "5"},
                                          {"RSOLV_ACCESS_LOG", sandbox.access_log_path().string()}});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
  EXPECT_TRUE(run.rule_ids().empty()) << run.report.dump(1).substr(0, 3000);
  EXPECT_GE(run.report.at("checks").size(), 25u) << "every suite ran its checks";
  EXPECT_EQ(json::parse(run.sarif).at("runs").at(0).at("results").size(), 0u);
  EXPECT_EQ(run.junit.find("<failure"), std::string::npos);
  EXPECT_EQ(run.sarif.find(sandbox.key("payg")), std::string::npos);
  EXPECT_EQ(run.report.dump().find(kWebhookSecret), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwoWithOneLine) {
  const TempDir temp("rsolv-security-cli");
  const auto& dir = temp.path();
  std::ofstream(dir / "target.yaml") << "base_url: http://127.0.0.1:9\nlimits: [{path: /a, requests: x, window_seconds: 1}]\n";
  const auto bad_file = rsolv::process::run(kSecurity, {"run", "--target", (dir / "target.yaml").string()});
  EXPECT_EQ(bad_file.exit_code, 2);
  EXPECT_EQ(bad_file.err.rfind("rsolv-security: error: " + (dir / "target.yaml").string() + ":2:", 0), 0u) << bad_file.err;
  EXPECT_EQ(std::count(bad_file.err.begin(), bad_file.err.end(), '\n'), 1) << bad_file.err;

  std::ofstream(dir / "remote.yaml") << "base_url: https://api.example.com\n";
  const auto remote = rsolv::process::run(kSecurity, {"run", "--target", (dir / "remote.yaml").string()});
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_NE(remote.err.find("--allow-host"), std::string::npos) << remote.err;

  std::ofstream(dir / "ok.yaml") << "base_url: http://127.0.0.1:9\n";
  const auto suite = rsolv::process::run(kSecurity, {"run", "--target", (dir / "ok.yaml").string(), "--suite", "xss"});
  EXPECT_EQ(suite.exit_code, 2);
  EXPECT_NE(suite.err.find("xss"), std::string::npos) << suite.err;

  const auto missing = rsolv::process::run(kSecurity, {"run"});
  EXPECT_EQ(missing.exit_code, 2);
  const auto list = rsolv::process::run(kSecurity, {"list"});
  EXPECT_EQ(list.exit_code, 0);
  for (const auto* name : {"pci", "sqli", "webhooks", "rate-limit", "auth", "RSOLV-SQLI-001", "RSOLV-WH-001"}) {
    EXPECT_NE(list.out.find(name), std::string::npos) << list.out;
  }
}

}  // namespace
