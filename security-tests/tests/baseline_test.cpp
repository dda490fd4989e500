// Baselines and ignore files: which findings are new, which are known, and the one-line errors a
// broken ignore file gets.
#include <gtest/gtest.h>

#include <fstream>

#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/security/baseline.hpp"
#include "rsolv/security/suite.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::security {
namespace {

RunSummary two_findings() {
  RunSummary run;
  auto missing = make_finding("RSOLV-AUTH-001", "GET http://127.0.0.1:4000/api/v1/customers/me", "e");
  missing.subject = "missing key";
  auto cache = make_finding("RSOLV-PCI-004", "GET http://127.0.0.1:4000/api/v1/customers/me", "e");
  run.checks = {{"auth", "me refuses bad keys", Outcome::failed, 0, {missing}, ""},
                {"pci", "me is not cacheable", Outcome::failed, 0, {cache}, ""}};
  return run;
}

std::string config_error(const std::string& yaml) {
  try {
    parse_ignore_file(yaml, "ignore.yaml");
  } catch (const config::ConfigError& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(IgnoreFile, EveryEntryNeedsAKnownRuleAReasonAndARealDate) {
  EXPECT_EQ(config_error("ignore:\n  - {rule: RSOLV-PCI-004}\n").rfind("ignore.yaml:2:", 0), 0u);
  EXPECT_NE(config_error("ignore:\n  - {rule: RSOLV-PCI-004}\n").find("reason"), std::string::npos);
  EXPECT_NE(config_error("ignore:\n  - {rule: RSOLV-PCI-004, reason: \" \"}\n").find("reason must not be empty"),
            std::string::npos);
  EXPECT_NE(config_error("ignore:\n  - {rule: RSOLV-XSS-001, reason: x}\n").find("unknown rule 'RSOLV-XSS-001'"),
            std::string::npos);
  EXPECT_NE(config_error("ignore:\n  - {rule: RSOLV-PCI-004, reason: x, expires: soon}\n").find("expires must be a date"),
            std::string::npos);
  EXPECT_NE(config_error("ignore:\n  - {rule: RSOLV-PCI-004, reason: x, because: y}\n").find("because"), std::string::npos);
  EXPECT_EQ(config_error("ignore:\n  - {rule: RSOLV-PCI-004, reason: accepted, route: GET /api/v1/customers/me}\n"),
            "(accepted)");
}

TEST(Triage, AnEntryCoversItsRuleOnItsRouteUntilItExpires) {
  const auto ignores = parse_ignore_file(
      "ignore:\n"
      "  - {rule: RSOLV-PCI-004, route: GET /api/v1/customers/me, reason: edge adds no-store, expires: 2027-01-31}\n"
      "  - {rule: RSOLV-AUTH-001, route: /api/v1/other, reason: not this route}\n",
      "ignore.yaml");
  auto run = two_findings();
  apply_triage(run, {}, ignores, "2026-12-02");
  EXPECT_EQ(run.checks[0].findings[0].triage, Finding::Triage::fresh);
  EXPECT_EQ(run.checks[1].findings[0].triage, Finding::Triage::ignored);
  EXPECT_NE(run.checks[1].findings[0].ignore_reason.find("edge adds no-store (ignore.yaml:2:"), std::string::npos)
      << run.checks[1].findings[0].ignore_reason;
  apply_triage(run, {}, ignores, "2027-02-01");
  EXPECT_EQ(run.checks[1].findings[0].triage, Finding::Triage::fresh) << "expired";
}

TEST(Triage, ABaselineMatchesByFingerprintWhateverThePort) {
  auto earlier = two_findings();
  std::set<std::string> baseline = {fingerprint(earlier.checks[0].findings[0])};
  auto now = two_findings();
  now.checks[0].findings[0].location = "GET http://127.0.0.1:59999/api/v1/customers/me";
  apply_triage(now, baseline, {}, "2026-12-02");
  EXPECT_EQ(now.checks[0].findings[0].triage, Finding::Triage::in_baseline);
  EXPECT_EQ(now.checks[1].findings[0].triage, Finding::Triage::fresh);
}

TEST(Baseline, OnlyAnRsolvSecuritySarifFileIsABaseline) {
  const rsolv::testing::TempDir dir("rsolv-security-baseline");
  std::ofstream(dir.path() / "other.sarif") << R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"eslint"}},"results":[]}]})";
  std::ofstream(dir.path() / "broken.sarif") << "{not json";
  EXPECT_THROW(load_baseline_sarif((dir.path() / "other.sarif").string()), UsageError);
  EXPECT_THROW(load_baseline_sarif((dir.path() / "broken.sarif").string()), UsageError);
  EXPECT_THROW(load_baseline_sarif((dir.path() / "missing.sarif").string()), UsageError);
  auto run = two_findings();
  std::ofstream(dir.path() / "ours.sarif") << render_sarif(run, "1").dump();
  EXPECT_EQ(load_baseline_sarif((dir.path() / "ours.sarif").string()).size(), 2u);
}

TEST(Baseline, KnownFindingsAreMarkedInEveryReportAndPassInJUnit) {
  auto run = two_findings();
  run.baseline_given = true;
  apply_triage(run, {fingerprint(run.checks[0].findings[0])},
               parse_ignore_file("ignore:\n  - {rule: RSOLV-PCI-004, reason: accepted risk}\n", "i.yaml"), "2026-12-02");
  const auto sarif = render_sarif(run, "1");
  const auto& results = sarif.at("runs").at(0).at("results");
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results.at(0).at("baselineState"), "unchanged");
  EXPECT_EQ(results.at(1).at("suppressions").at(0).at("kind"), "external");
  EXPECT_NE(results.at(1).at("suppressions").at(0).at("justification").get<std::string>().find("accepted risk"),
            std::string::npos);
  const auto json = render_json(run);
  EXPECT_EQ(json.at("summary").at("new"), 0);
  EXPECT_EQ(json.at("summary").at("in_baseline"), 1);
  EXPECT_EQ(json.at("summary").at("ignored"), 1);
  const auto xml = render_junit_report(run);
  EXPECT_NE(xml.find("failures=\"0\""), std::string::npos) << xml;
  EXPECT_NE(render_console(run, false).find("(0 new, 2 in baseline or ignored)"), std::string::npos);
}

}  // namespace
}  // namespace rsolv::security
