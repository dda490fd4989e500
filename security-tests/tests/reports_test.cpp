// Card-number detection and the report formats CI systems read (SARIF for code scanning, JUnit).
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "rsolv/security/finding.hpp"
#include "rsolv/security/target.hpp"
#include "rsolv/security/probe.hpp"
#include "rsolv/security/reports.hpp"
#include "rsolv/security/rules.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {
namespace {

TEST(CardNumbers, LuhnAcceptsTestCardsAndRejectsNearMisses) {
  EXPECT_TRUE(luhn_valid("4242424242424242"));
  EXPECT_TRUE(luhn_valid("5555555555554444"));
  EXPECT_TRUE(luhn_valid("378282246310005"));
  EXPECT_FALSE(luhn_valid("4242424242424241"));
  EXPECT_FALSE(luhn_valid(""));
}

TEST(CardNumbers, MaskingKeepsOnlyTheLastFourAndLeavesOtherNumbersAlone) {
  const auto masked = mask_card_numbers("card 4242 4242 4242 4242 and 4000-0566-5566-5556, order 1234567890123");
  EXPECT_EQ(masked.find("4242 4242 4242 4242"), std::string::npos) << masked;
  EXPECT_EQ(masked.find("4000-0566-5566-5556"), std::string::npos) << masked;
  EXPECT_NE(masked.find("4242"), std::string::npos) << "the last four stay for triage";
  EXPECT_NE(masked.find("1234567890123"), std::string::npos) << "not a Luhn-valid card: kept";
}

RunSummary sample_run() {
  RunSummary run;
  run.target_url = "http://127.0.0.1:4000";
  CheckResult pass{"auth", "me refuses bad keys", Outcome::passed, 0.01, {}, "401 for 3 keys"};
  CheckResult fail{"sqli", "search query 'org'", Outcome::failed, 0.2, {}, ""};
  fail.findings.push_back(make_finding("RSOLV-SQLI-001", "GET http://127.0.0.1:4000/api/v1/search?org=x",
                                       "GET /api/v1/search?org=' -> 500 SQLITE_ERROR"));
  run.checks = {pass, fail};
  return run;
}

TEST(Sarif, ResultsCarryRuleLevelSeverityAndARepositoryRelativeLocation) {
  const auto sarif = render_sarif(sample_run(), "1.2.3");
  EXPECT_EQ(sarif.at("version"), "2.1.0");
  const auto& run = sarif.at("runs").at(0);
  EXPECT_EQ(run.at("tool").at("driver").at("name"), "rsolv-security");
  EXPECT_EQ(run.at("tool").at("driver").at("semanticVersion"), "1.2.3");
  const auto& rules_json = run.at("tool").at("driver").at("rules");
  EXPECT_EQ(rules_json.size(), rules().size()) << "every rule is described, found or not";
  for (const auto& r : rules_json) {
    EXPECT_TRUE(r.at("properties").contains("security-severity")) << r.dump();
    EXPECT_FALSE(r.at("help").at("text").get<std::string>().empty());
  }
  ASSERT_EQ(run.at("results").size(), 1u);
  const auto& result = run.at("results").at(0);
  EXPECT_EQ(result.at("ruleId"), "RSOLV-SQLI-001");
  EXPECT_EQ(result.at("level"), sarif_level(rule("RSOLV-SQLI-001").default_severity));
  const std::string uri = result.at("locations").at(0).at("physicalLocation").at("artifactLocation").at("uri");
  EXPECT_EQ(uri.find("://"), std::string::npos) << "code scanning refuses absolute URIs: " << uri;
  EXPECT_TRUE(result.contains("partialFingerprints")) << "alerts must stay stable across runs";
}

TEST(Sarif, TheSameFindingKeepsItsFingerprintAcrossRuns) {
  const auto a = render_sarif(sample_run(), "1").at("runs").at(0).at("results").at(0).at("partialFingerprints");
  const auto b = render_sarif(sample_run(), "2").at("runs").at(0).at("results").at(0).at("partialFingerprints");
  EXPECT_EQ(a, b);
}

TEST(LocationPath, TurnsAnEndpointIntoARelativeRoutePath) {
  EXPECT_EQ(location_path("GET http://127.0.0.1:4000/api/v1/x?y=1"), "api/v1/x");
  EXPECT_EQ(location_path("POST https://api.rsolv.dev/api/webhooks/stripe"), "api/webhooks/stripe");
  EXPECT_EQ(location_path("/var/log/app.log:12"), "var/log/app.log_12");
}

TEST(Sarif, AFindingKeepsItsFingerprintWhenOnlyThePortChanges) {
  auto on_port = [](const std::string& port) {
    RunSummary run;
    run.target_url = "http://127.0.0.1:" + port;
    CheckResult check{"auth", "me refuses bad keys", Outcome::failed, 0.1, {}, ""};
    auto finding = make_finding("RSOLV-AUTH-001", "GET http://127.0.0.1:" + port + "/api/v1/customers/me", "evidence " + port);
    finding.subject = "missing key";
    check.findings = {finding};
    run.checks = {check};
    return render_sarif(run, "1");
  };
  const auto a = on_port("40001"), b = on_port("51234");
  EXPECT_EQ(a.at("runs").at(0).at("results").at(0).at("partialFingerprints"),
            b.at("runs").at(0).at("results").at(0).at("partialFingerprints"));
  EXPECT_EQ(a.at("runs").at(0).at("results").at(0).at("locations"), b.at("runs").at(0).at("results").at(0).at("locations"));
  EXPECT_EQ(a.at("runs").at(0).at("automationDetails"), b.at("runs").at(0).at("automationDetails"));
}

TEST(Sarif, OneFlawSeenByTwoChecksIsOneResultAndDifferentSubjectsAreTwo) {
  RunSummary run;
  run.target_url = "http://127.0.0.1:4000";
  auto leak = make_finding("RSOLV-AUTH-003", "POST http://127.0.0.1:4000/api/v1/x", "trace 1");
  auto missing = make_finding("RSOLV-AUTH-001", "POST http://127.0.0.1:4000/api/v1/x", "e");
  missing.subject = "missing key";
  auto empty = missing;
  empty.subject = "empty key";
  run.checks = {{"auth", "x refuses bad keys", Outcome::failed, 0, {leak, missing, empty}, ""},
                {"auth", "x hides internals", Outcome::failed, 0, {leak}, ""}};
  const auto sarif = render_sarif(run, "1");
  const auto& results = sarif.at("runs").at(0).at("results");
  ASSERT_EQ(results.size(), 3u) << results.dump(1);
  std::set<std::string> prints;
  for (const auto& result : results) prints.insert(result.at("partialFingerprints").dump());
  EXPECT_EQ(prints.size(), 3u);
}

TEST(Reports, InconclusiveChecksAreNeitherPassesNorFailures) {
  auto run = sample_run();
  run.checks.push_back({"webhooks", "missing signature is refused", Outcome::inconclusive, 10, {},
                        "no answer to POST /api/webhooks/stripe: timeout"});
  const auto xml = render_junit_report(run);
  EXPECT_NE(xml.find("skipped=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"inconclusive: no answer to POST"), std::string::npos) << xml;
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << "only the real finding fails: " << xml;
  const auto json = render_json(run);
  EXPECT_EQ(json.at("summary").at("inconclusive"), 1);
  EXPECT_EQ(json.at("summary").at("passed"), 1);
  EXPECT_EQ(json.at("checks").at(2).at("status"), "inconclusive");
  const auto sarif = render_sarif(run, "1");
  EXPECT_EQ(sarif.at("runs").at(0).at("results").size(), 1u) << "no alert for an inconclusive check";
  const auto& notes = sarif.at("runs").at(0).at("invocations").at(0).at("toolExecutionNotifications");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes.at(0).at("message").at("text").get<std::string>().find("missing signature"), std::string::npos);
  const auto console = render_console(run, false);
  EXPECT_NE(console.find("INCONCLUSIVE webhooks"), std::string::npos) << console;
  EXPECT_NE(console.find("(1 inconclusive)"), std::string::npos) << console;
}

TEST(JUnit, OneCasePerCheckWithFailuresForFindings) {
  const auto xml = render_junit_report(sample_run());
  EXPECT_NE(xml.find("tests=\"2\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("RSOLV-SQLI-001"), std::string::npos) << xml;
}

TEST(Sarif, RulesCarryTheirOwaspApiTop10Category) {
  const auto sarif = render_sarif(sample_run(), "1");
  std::map<std::string, nlohmann::json> tags;
  for (const auto& r : sarif.at("runs").at(0).at("tool").at("driver").at("rules")) tags[r.at("id")] = r.at("properties").at("tags");
  EXPECT_EQ(tags.at("RSOLV-MA-001"), nlohmann::json({"security", "mass-assignment", "OWASP-API3:2023"}));
  EXPECT_EQ(tags.at("RSOLV-AUTH-001"), nlohmann::json({"security", "auth", "OWASP-API2:2023"}));
  EXPECT_EQ(tags.at("RSOLV-RL-001"), nlohmann::json({"security", "rate-limit", "OWASP-API4:2023"}));
  EXPECT_EQ(tags.at("RSOLV-SQLI-001"), nlohmann::json({"security", "sqli"}));
}

TEST(Rules, UnknownRuleIdsAreAnError) { EXPECT_THROW(rule("RSOLV-NOPE-999"), std::exception); }

}  // namespace
}  // namespace rsolv::security

namespace rsolv::security {
namespace {

TEST(Bodies, EveryUuidMarkerBecomesADifferentFreshUuid) {
  const auto body = with_fresh_uuids(R"({"email":"a-${uuid}@x.io","id":"${uuid}"})");
  EXPECT_EQ(body.find("${uuid}"), std::string::npos) << body;
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::vector<std::string> found;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), uuid); it != std::sregex_iterator(); ++it) {
    found.push_back(it->str());
  }
  ASSERT_EQ(found.size(), 2u) << body;
  EXPECT_NE(found[0], found[1]);
  EXPECT_NE(with_fresh_uuids("${uuid}"), with_fresh_uuids("${uuid}"));
}

}  // namespace
}  // namespace rsolv::security

namespace rsolv::security {
namespace {

TEST(Evidence, CredentialsTheTargetHandsOutAreRedacted) {
  const auto target = parse_target("base_url: http://127.0.0.1:1\ncredentials: {api_key: rsolv_configured_key_123}\n", "t");
  Probe probe(target);
  const auto text = probe.redact(
      R"({"api_key":"rsolv_8-rpevfSwFPEawN8b-u8GQTdDvyZBCvzq-r-9QF6Tb0","token":"abc","note":"whsec_abcdefghij",)"
      R"("sent":"rsolv_configured_key_123","name":"Ada"})");
  EXPECT_EQ(text.find("rsolv_8-rpev"), std::string::npos) << text;
  EXPECT_EQ(text.find("abc\""), std::string::npos) << text;
  EXPECT_EQ(text.find("whsec_abcdefghij"), std::string::npos) << text;
  EXPECT_EQ(text.find("rsolv_configured_key_123"), std::string::npos) << text;
  EXPECT_NE(text.find("\"name\":\"Ada\""), std::string::npos) << "other fields stay readable: " << text;
}

}  // namespace
}  // namespace rsolv::security
