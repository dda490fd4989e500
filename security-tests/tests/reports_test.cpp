// Card-number detection and the report formats CI systems read (SARIF for code scanning, JUnit).
#include <gtest/gtest.h>

#include <regex>

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
  CheckResult pass{"auth", "me refuses bad keys", true, 0.01, {}, "401 for 3 keys"};
  CheckResult fail{"sqli", "search query 'org'", false, 0.2, {}, ""};
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

TEST(LocationPath, TurnsAnEndpointIntoARelativePath) {
  EXPECT_EQ(location_path("GET http://127.0.0.1:4000/api/v1/x?y=1"), "127.0.0.1_4000/api/v1/x");
  EXPECT_EQ(location_path("POST https://api.rsolv.dev/api/webhooks/stripe"), "api.rsolv.dev/api/webhooks/stripe");
}

TEST(JUnit, OneCasePerCheckWithFailuresForFindings) {
  const auto xml = render_junit_report(sample_run());
  EXPECT_NE(xml.find("tests=\"2\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("RSOLV-SQLI-001"), std::string::npos) << xml;
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
