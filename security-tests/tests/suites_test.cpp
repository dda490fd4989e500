// The real rsolv-security binary against a deliberately vulnerable server on loopback, where every
// suite must find its planted flaw (rsolv-sandbox, where none may cry wolf: sandbox_target_test.cpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "test_servers.hpp"  // harness/http/tests: TestCertificate, TlsTerminator
#include "security_cli.hpp"

namespace rsolv::security {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSecurity = rsolv::security::testing::kSecurityBinary;
const std::string kWebhookSecret = "whsec_suites_test_0123456789abcdef";

using rsolv::security::testing::run_security;
using rsolv::security::testing::SecurityRun;
using rsolv::testing::TempDir;

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
  - {name: lookup, path: /api/v1/customers/lookup, auth: true, query: {email: ada@acme.io}}
  - {name: repos, path: /api/v1/repos, auth: true, query: {q: acme}}
  - {name: invoices, method: POST, path: /api/v1/invoices/search, auth: true, body: {filter: {customer: acme}}}
  - {name: safe-search, path: /api/v1/safe-search, auth: true, query: {org: acme}}
webhook: {replay_probe: true}
mass_assignment:
  - {name: accounts, path: /api/v1/accounts, body: {name: Probe}, read: /api/v1/accounts/me, key_field: api_key}
bola:
  - name: fix attempt by id
    owner: /api/v1/tenant/me
    plant: {method: POST, path: /api/v1/tenant/fix-attempts, body: {github_org: bola, repo_name: "r-${marker}", pr_number: 7}}
    access: {path: "/api/v1/tenant/fix-attempts/{id}"}
  - name: report of another customer's PR
    owner: /api/v1/tenant/me
    plant: {method: POST, path: /api/v1/tenant/fix-attempts, body: {github_org: bola, repo_name: "w-${marker}", pr_number: 7}}
    access: {method: POST, path: /api/v1/tenant/fix-deployments, body: {github_org: bola, repo_name: "w-${marker}", pr_number: 7}}
    watch: {path: /api/v1/tenant/me}
business_logic:
  - name: fix deployment
    request: {method: POST, path: /api/v1/tenant/fix-deployments, body: {github_org: bl, repo_name: "r-${marker}", pr_number: 1}}
    fields: [/pr_number]
    idempotency_header: Idempotency-Key
race:
  - name: fix deployment
    request:
      method: POST
      path: /api/v1/tenant/fix-deployments
      body: {github_org: race, repo_name: "r-${marker}", pr_number: 1}
      headers: {Idempotency-Key: "race-${marker}"}
    copies: 10
    watch: {path: /api/v1/tenant/me}
limits:
  - {name: api, path: /api/v1/entitlement, auth: true, requests: 20, window_seconds: 3600}
  - {name: reports, path: /api/v1/reports, auth: true, requests: 20, window_seconds: 3600}
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
                               "RSOLV-RL-001", "RSOLV-RL-002", "RSOLV-RL-003", "RSOLV-RL-004", "RSOLV-MA-001", "RSOLV-AUTH-001", "RSOLV-AUTH-002", "RSOLV-AUTH-003",
                               "RSOLV-BOLA-001", "RSOLV-RACE-001", "RSOLV-BL-001", "RSOLV-BL-002"}) {
    EXPECT_TRUE(ids.contains(expected)) << expected << " not found; report: " << run_->report.dump(1).substr(0, 3000);
  }
}

// The SQL-injection checks one by one: each planted context is found by the techniques that can
// see it, and the bound-parameter route that echoes its input is clean.
TEST_F(VulnerableTarget, SqlInjectionIsFoundInEveryPlantedContextAndNowhereElse) {
  std::map<std::string, std::set<std::string>> found;
  std::map<std::string, int> requests;
  for (const auto& check : run_->report.at("checks")) {
    if (check.at("suite") != "sqli") continue;
    auto& ids = found[check.at("name").get<std::string>()];
    for (const auto& finding : check.at("findings")) ids.insert(finding.at("rule_id").get<std::string>());
    requests[check.at("name").get<std::string>()] = check.at("requests").get<int>();
  }
  const std::set<std::string> blind_techniques = {"RSOLV-SQLI-002", "RSOLV-SQLI-003", "RSOLV-SQLI-004"};
  // Errors shown verbatim: all four techniques.
  EXPECT_EQ(found["search query parameter 'org'"],
            (std::set<std::string>{"RSOLV-SQLI-001", "RSOLV-SQLI-002", "RSOLV-SQLI-003", "RSOLV-SQLI-004"}));
  // Blind (errors hidden): double-quoted literal, LIKE '%...%', and a nested JSON value whose
  // value comes back in the result rows.
  EXPECT_EQ(found["lookup query parameter 'email'"], blind_techniques);
  EXPECT_EQ(found["repos query parameter 'q'"], blind_techniques);
  EXPECT_EQ(found["invoices body field '/filter/customer'"], blind_techniques);
  EXPECT_TRUE(found.contains("safe-search query parameter 'org'"));
  EXPECT_TRUE(found["safe-search query parameter 'org'"].empty()) << "bound parameters with the input echoed are no flaw";
  for (const auto& [name, ids] : found) EXPECT_TRUE(name.find("payment_method") == std::string::npos || ids.empty()) << name;
  // Bounded: no input costs more than 80 requests.
  for (const auto& [name, count] : requests) EXPECT_LE(count, 80) << name;
}

// The flows of the API Top 10 suites: the other customer's read and bill of the owner's fix attempt,
// every absurd PR number, the replayed idempotency key and the concurrent reports, each with its
// OWASP id in SARIF.
TEST_F(VulnerableTarget, BolaRaceAndBusinessLogicFindEveryPlantedFlaw) {
  std::map<std::string, std::set<std::string>> subjects;  // check name -> finding subjects
  for (const auto& check : run_->report.at("checks")) {
    const auto suite = check.at("suite").get<std::string>();
    if (suite != "bola" && suite != "race" && suite != "business-logic") continue;
    EXPECT_EQ(check.at("status"), "failed") << check.dump();
    auto& found = subjects[check.at("name").get<std::string>()];
    for (const auto& finding : check.at("findings")) found.insert(finding.value("subject", ""));
  }
  EXPECT_EQ(subjects["fix attempt by id: the other customer cannot reach it"], std::set<std::string>{"read"});
  EXPECT_EQ(subjects["report of another customer's PR: the other customer cannot reach it"], std::set<std::string>{"write"});
  EXPECT_EQ(subjects["fix deployment: absurd values of /pr_number are refused"],
            (std::set<std::string>{"/pr_number negative", "/pr_number zero", "/pr_number huge", "/pr_number fractional"}));
  EXPECT_EQ(subjects["fix deployment: a replayed Idempotency-Key with another body is refused"],
            std::set<std::string>{"Idempotency-Key"});
  EXPECT_EQ(subjects["fix deployment: 10 concurrent copies take effect once"], std::set<std::string>{"fix deployment"});
  const std::map<std::string, std::string> owasp = {{"RSOLV-BOLA-001", "API1:2023"}, {"RSOLV-RACE-001", "API6:2023"},
                                                    {"RSOLV-BL-001", "API8:2023"}, {"RSOLV-BL-002", "API6:2023"}};
  const auto sarif = json::parse(run_->sarif);
  for (const auto& rule : sarif.at("runs").at(0).at("tool").at("driver").at("rules")) {
    const auto id = rule.at("id").get<std::string>();
    if (!owasp.contains(id)) continue;
    const auto tags = rule.at("properties").at("tags").dump();
    EXPECT_NE(tags.find(owasp.at(id)), std::string::npos) << id << " " << tags;
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
  std::set<std::string> prints;
  for (const auto& result : results) prints.insert(result.at("partialFingerprints").dump());
  EXPECT_EQ(prints.size(), results.size()) << "one result per fingerprint";
}

TEST_F(VulnerableTarget, FingerprintsStayTheSameOnAnotherPortAndInAnotherRun) {
  const auto auth_prints = [](const std::string& sarif_text) {
    std::set<std::string> prints;
    const auto sarif = json::parse(sarif_text);
    for (const auto& result : sarif.at("runs").at(0).at("results")) {
      if (result.at("ruleId").get<std::string>().starts_with("RSOLV-AUTH-")) prints.insert(result.at("partialFingerprints").dump());
    }
    return prints;
  };
  const TempDir dir("rsolv-security-other-port");
  rsolv::process::ServerOptions options;
  options.executable = VULNERABLE_SERVER;
  options.args = {"--log", (dir.path() / "app.log").string()};
  const auto other = rsolv::process::ServerProcess::start(options);
  ASSERT_NE(other.base_url(), server_->base_url());
  auto yaml = rsolv::testing::read_file(dir_->path() / "target.yaml");
  yaml.replace(yaml.find(server_->base_url()), server_->base_url().size(), other.base_url());
  std::ofstream(dir.path() / "target.yaml") << yaml;
  const auto again = run_security(dir.path(), {"--suite", "auth", "-q"});
  ASSERT_FALSE(again.sarif.empty()) << again.result.out << again.result.err;
  EXPECT_EQ(again.result.exit_code, 1) << again.result.out << again.result.err;
  EXPECT_FALSE(auth_prints(again.sarif).empty());
  EXPECT_EQ(auth_prints(again.sarif), auth_prints(run_->sarif));
}

TEST_F(VulnerableTarget, WithABaselineOnlyNewFindingsFailTheRun) {
  const TempDir dir("rsolv-security-baseline-run");
  fs::copy_file(dir_->path() / "target.yaml", dir.path() / "target.yaml");
  const auto auth_only = run_security(dir.path(), {"--suite", "auth", "-q"});
  ASSERT_EQ(auth_only.result.exit_code, 1);
  std::ofstream(dir.path() / "auth.sarif") << auth_only.sarif;

  // The same findings again: reported, marked, and the run passes.
  const auto known = run_security(dir.path(), {"--suite", "auth", "--baseline", (dir.path() / "auth.sarif").string()});
  EXPECT_EQ(known.result.exit_code, 0) << known.result.out;
  EXPECT_EQ(known.report.at("summary").at("new"), 0);
  EXPECT_EQ(known.report.at("summary").at("in_baseline"), known.report.at("summary").at("findings"));
  EXPECT_NE(known.result.out.find("(in baseline)"), std::string::npos);
  // Parsed into a local: a range-for over a member of a temporary would iterate freed memory (ASan).
  const auto known_sarif = json::parse(known.sarif);
  for (const auto& result : known_sarif.at("runs").at(0).at("results")) EXPECT_EQ(result.at("baselineState"), "unchanged");

  // A suite more: its findings are the new ones, and they fail the run.
  const auto more = run_security(dir.path(), {"--suite", "auth", "--suite", "pci", "--baseline",
                                              (dir.path() / "auth.sarif").string()});
  EXPECT_EQ(more.result.exit_code, 1);
  for (const auto& check : more.report.at("checks")) {
    for (const auto& finding : check.at("findings")) {
      EXPECT_EQ(finding.at("triage") == "new", check.at("suite") == "pci") << finding.dump();
    }
  }
}

TEST_F(VulnerableTarget, AnIgnoreFileWithReasonsAcceptsKnownFindings) {
  const TempDir dir("rsolv-security-ignore-run");
  fs::copy_file(dir_->path() / "target.yaml", dir.path() / "target.yaml");
  std::ofstream(dir.path() / "ignore.yaml") << R"yaml(ignore:
  - {rule: RSOLV-AUTH-001, reason: "the imitation server has no auth (test fixture)"}
  - {rule: RSOLV-AUTH-002, reason: "echo accepted for the fixture"}
  - {rule: RSOLV-AUTH-003, route: POST /api/v1/billing/payment-methods, reason: "known trace"}
)yaml";
  const auto run = run_security(dir.path(), {"--suite", "auth", "--ignore", (dir.path() / "ignore.yaml").string()});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.out;
  EXPECT_GT(run.report.at("summary").at("ignored").get<int>(), 0);
  EXPECT_NE(run.sarif.find("the imitation server has no auth"), std::string::npos);

  std::ofstream(dir.path() / "bad.yaml") << "ignore:\n  - {rule: RSOLV-AUTH-001}\n";
  const auto bad = run_security(dir.path(), {"--suite", "auth", "--ignore", (dir.path() / "bad.yaml").string()});
  EXPECT_EQ(bad.result.exit_code, 2);
  EXPECT_NE(bad.result.err.find("bad.yaml:2:"), std::string::npos) << bad.result.err;
  EXPECT_TRUE(bad.report.is_null());
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

// PCI-005 needs HTTPS: the vulnerable server behind a TLS terminator with a private CA, which
// the target file trusts through ca_file. Its account route sends no Strict-Transport-Security.
TEST(TlsTarget, AnHttpsEndpointWithoutHstsIsReported) {
  const TempDir dir("rsolv-security-tls");
  rsolv::process::ServerOptions options;
  options.executable = VULNERABLE_SERVER;
  options.args = {"--log", (dir.path() / "app.log").string()};
  const auto server = rsolv::process::ServerProcess::start(options);
  const rsolv::http::test::TestCertificate certificate;
  const rsolv::http::test::TlsTerminator tls(server.port(), certificate);
  std::ofstream(dir.path() / "target.yaml") << "base_url: " << tls.base_url() << "\nca_file: " << certificate.cert_file << R"(
credentials: {api_key: rsolv_live_key_do_not_leak_0001}
endpoints:
  - {name: me, path: /api/v1/customers/me, auth: true, account_data: true}
)";
  const auto run = run_security(dir.path(), {"--suite", "pci"});
  EXPECT_EQ(run.result.exit_code, 1) << run.result.out << run.result.err;
  EXPECT_TRUE(run.rule_ids().contains("RSOLV-PCI-005")) << run.result.out;
  EXPECT_GE(tls.handshakes(), 3) << "preflight and both samples went over TLS";

  // Without the CA the target is not trusted: the preflight says so, and nothing is reported.
  std::ofstream(dir.path() / "target.yaml") << "base_url: " << tls.base_url() << R"(
credentials: {api_key: rsolv_live_key_do_not_leak_0001}
endpoints:
  - {name: me, path: /api/v1/customers/me, auth: true, account_data: true}
)";
  const auto untrusted = run_security(dir.path(), {"--suite", "pci"});
  EXPECT_EQ(untrusted.result.exit_code, 2) << untrusted.result.out << untrusted.result.err;
  EXPECT_NE(untrusted.result.err.find("target unreachable"), std::string::npos) << untrusted.result.err;
}

TEST(Cli, UsageErrorsExitTwoWithOneLine) {
  const TempDir temp("rsolv-security-cli");
  const auto& dir = temp.path();
  std::ofstream(dir / "target.yaml") << "base_url: http://127.0.0.1:9\nlimits: [{path: /a, requests: x, window_seconds: 1}]\n";
  const auto bad_file = rsolv::process::run(kSecurity, {"run", "--target", (dir / "target.yaml").string()});
  EXPECT_EQ(bad_file.exit_code, 2);
  EXPECT_EQ(bad_file.err.rfind("rsolv-security: error: " + (dir / "target.yaml").string() + ":2:", 0), 0u) << bad_file.err;
  EXPECT_EQ(std::count(bad_file.err.begin(), bad_file.err.end(), '\n'), 1) << bad_file.err;

  std::ofstream(dir / "remote.yaml") << "base_url: https://api.example.com\nendpoints: [{path: /a}]\n";
  const auto remote = rsolv::process::run(kSecurity, {"run", "--target", (dir / "remote.yaml").string()});
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_NE(remote.err.find("--allow-host"), std::string::npos) << remote.err;

  std::ofstream(dir / "ok.yaml") << "base_url: http://127.0.0.1:9\nendpoints: [{path: /a}]\n";
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
}  // namespace rsolv::security
