// Reachability first: a dead, resetting, hanging or foreign target ends the run with exit 2 and
// not one finding, and --max-duration bounds a run against a target that answers slowly. Real
// loopback servers (ScriptedServer) and the real binary.
#include <gtest/gtest.h>

#include <fstream>

#include "rsolv/testing/loopback.hpp"
#include "rsolv/testing/scripted_server.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "security_cli.hpp"

namespace rsolv::security {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using rsolv::security::testing::run_security;
using rsolv::security::testing::SecurityRun;
using rsolv::testing::Action;
using rsolv::testing::ScriptedServer;
using rsolv::testing::TempDir;

// Endpoints for every suite that needs one, so an unreachable target would have had plenty of
// checks to turn into false verdicts.
void write_target(const fs::path& dir, const std::string& base_url) {
  std::ofstream(dir / "target.yaml") << "base_url: " << base_url << R"(
credentials: {api_key: rsolv_reachability_key_0001, webhook_secret: whsec_reachability_0001}
endpoints:
  - {name: me, path: /api/v1/customers/me, auth: true, account_data: true}
  - {name: search, path: /api/v1/search, auth: true, query: {org: acme}, inputs: {query: [org]}}
  - {name: cards, method: POST, path: /api/v1/billing/payment-methods, auth: true,
     body: {payment_method: pm_card_visa}, inputs: {body: [payment_method]}, card_fields: true}
webhook: {}
limits:
  - {name: api, path: /api/v1/entitlement, auth: true, requests: 20, window_seconds: 3600}
)";
}

void expect_refused_without_findings(const SecurityRun& run, const std::string& why) {
  EXPECT_EQ(run.result.exit_code, 2) << run.result.out << run.result.err;
  EXPECT_NE(run.result.err.find(why), std::string::npos) << run.result.err;
  EXPECT_EQ(std::count(run.result.err.begin(), run.result.err.end(), '\n'), 1) << "one line: " << run.result.err;
  EXPECT_EQ(run.result.out.find("RSOLV-"), std::string::npos) << "no finding may be reported: " << run.result.out;
  EXPECT_TRUE(run.report.is_null()) << "no report of checks that never ran";
  EXPECT_TRUE(run.sarif.empty());
}

TEST(Reachability, AClosedPortIsUnreachableNotACriticalFinding) {
  const TempDir dir("rsolv-security-closed");
  const auto closed = rsolv::testing::reserve_loopback_port();  // bound, never listening: refused
  write_target(dir.path(), closed.url());
  expect_refused_without_findings(run_security(dir.path(), {}), "target unreachable");
}

TEST(Reachability, AServerThatResetsEveryConnectionIsUnreachable) {
  ScriptedServer server;
  server.set_default(Action::reset_connection());
  const TempDir dir("rsolv-security-reset");
  write_target(dir.path(), server.base_url());
  expect_refused_without_findings(run_security(dir.path(), {}), "target unreachable");
  EXPECT_EQ(server.request_count(), 1u) << "the preflight alone";
}

TEST(Reachability, AHangingServerEndsTheRunWithinThePreflightTimeout) {
  ScriptedServer server;
  server.set_default(Action::respond(200, R"({"status":"ok"})").after(120s));
  const TempDir dir("rsolv-security-hang");
  write_target(dir.path(), server.base_url());
  const auto run = run_security(dir.path(), {"--preflight-timeout", "2s"});
  expect_refused_without_findings(run, "target unreachable");
  EXPECT_NE(run.result.err.find("preflight timeout"), std::string::npos) << run.result.err;
  // Unbounded, every one of the dozens of probes would wait its 10 s: 5x the budget is ample.
  EXPECT_LT(run.wall, 10s) << "took " << run.wall.count() << " s";
}

TEST(Reachability, AServerThatSpeaksSomethingElseIsNotTheApi) {
  ScriptedServer server;
  server.set_default(Action::respond(200, "<html><body>It works!</body></html>", {{"Content-Type", "text/html"}}));
  const TempDir dir("rsolv-security-foreign");
  write_target(dir.path(), server.base_url());
  const auto run = run_security(dir.path(), {});
  expect_refused_without_findings(run, "not the API");
  EXPECT_NE(run.result.err.find("/api/health"), std::string::npos) << run.result.err;
}

TEST(Reachability, AConfiguredPreflightProbeReplacesTheHealthCheck) {
  ScriptedServer server;
  server.enqueue(Action::respond(204, ""));
  server.set_default(Action::respond(401, R"({"error":"unauthorized"})"));
  const TempDir dir("rsolv-security-probe");
  write_target(dir.path(), server.base_url());
  std::ofstream(dir.path() / "target.yaml", std::ios::app) << "preflight: {method: HEAD, path: /ping, status: 204}\n";
  const auto run = run_security(dir.path(), {"--suite", "auth"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
  ASSERT_GE(server.request_count(), 2u);
  EXPECT_EQ(server.requests()[0].method, "HEAD");
  EXPECT_EQ(server.requests()[0].target, "/ping");
  EXPECT_NE(run.result.out.find("preflight: HEAD"), std::string::npos) << run.result.out;
}

TEST(Reachability, ATargetFileWithNothingToProbeIsAnError) {
  ScriptedServer server;
  const TempDir dir("rsolv-security-empty");
  std::ofstream(dir.path() / "target.yaml") << "base_url: " << server.base_url() << "\ncredentials: {api_key: k}\n";
  const auto run = run_security(dir.path(), {});
  EXPECT_EQ(run.result.exit_code, 2) << run.result.out << run.result.err;
  EXPECT_NE(run.result.err.find("nothing to probe"), std::string::npos) << run.result.err;
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(Reachability, ATargetThatStopsAnsweringAfterThePreflightEndsTheRunInconclusive) {
  ScriptedServer server;
  server.enqueue(Action::respond(200, R"({"status":"ok"})"));
  server.set_default(Action::respond(401, R"({"error":"unauthorized"})").after(120s));
  const TempDir dir("rsolv-security-stopped");
  write_target(dir.path(), server.base_url());
  const auto run = run_security(dir.path(), {"--request-timeout", "1s"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
  // Three unanswered requests, then every other check at once: each of the dozens of checks
  // waiting its own timeout would take well over 5x this bound.
  EXPECT_LT(run.wall, 15s) << "took " << run.wall.count() << " s";
  ASSERT_FALSE(run.report.is_null());
  EXPECT_EQ(run.report.at("summary").at("findings"), 0);
  EXPECT_EQ(run.report.at("summary").at("inconclusive"), run.report.at("summary").at("checks"));
  EXPECT_NE(run.result.out.find("the target stopped answering"), std::string::npos) << run.result.out;
  EXPECT_LE(server.request_count(), 6u) << "the preflight, three unanswered requests, nothing more";
}

TEST(Reachability, MaxDurationBoundsARunAgainstASlowTarget) {
  // Health answers at once; everything else takes 2 s (under the 10 s request timeout), so the
  // suites alone would need minutes, and every check would complete: none would be inconclusive.
  ScriptedServer server;
  server.enqueue(Action::respond(200, R"({"status":"ok"})"));
  server.set_default(Action::respond(401, R"({"error":"unauthorized"})").after(2s));
  const TempDir dir("rsolv-security-slow");
  write_target(dir.path(), server.base_url());
  const auto run = run_security(dir.path(), {"--max-duration", "5s"});
  EXPECT_EQ(run.result.exit_code, 0) << run.result.out << run.result.err;
  // The run ends at its 5 s limit; 5x that on a loaded machine.
  EXPECT_LT(run.wall, 25s) << "took " << run.wall.count() << " s";
  ASSERT_FALSE(run.report.is_null()) << run.result.err;
  const auto& summary = run.report.at("summary");
  EXPECT_GE(summary.at("inconclusive").get<int>(), 1) << summary.dump();
  EXPECT_EQ(summary.at("findings").get<int>(), 0) << summary.dump();
  EXPECT_NE(run.result.out.find("INCONCLUSIVE"), std::string::npos) << run.result.out;
  EXPECT_NE(run.result.out.find("--max-duration 5s"), std::string::npos) << run.result.out;
  EXPECT_NE(run.junit.find("<skipped message=\"inconclusive: "), std::string::npos) << run.junit;
  const auto sarif = nlohmann::json::parse(run.sarif);
  const auto& notes = sarif.at("runs").at(0).at("invocations").at(0).at("toolExecutionNotifications");
  EXPECT_EQ(notes.size(), summary.at("inconclusive").get<std::size_t>());
  EXPECT_EQ(sarif.at("runs").at(0).at("results").size(), 0u);
}

// A gateway that wants its key in the URL: every probe still reaches the right path with the key
// in its query, and the key shows up in no output, although every answer is a finding here (the
// server answers 200 to anything, missing keys included, so evidence with URLs is written).
TEST(TargetFile, AKeyInTheBaseUrlQueryIsSentWithEveryProbeButShownNowhere) {
  ScriptedServer server;
  server.set_default(Action::respond(200, R"({"status":"ok"})"));
  const TempDir dir("rsolv-security-url-key");
  std::ofstream(dir.path() / "target.yaml") << "base_url: " << server.base_url() << R"(/?api_key=${env.RSOLV_URL_KEY}
credentials: {api_key: rsolv_header_key_0001}
endpoints:
  - {name: me, path: /api/v1/customers/me, auth: true, account_data: true}
  - {name: search, path: /api/v1/search, auth: true, query: {org: acme}}
)";
  const std::string url_key = "gw_url_key_7f3a9c1e5b";
  const auto run = run_security(dir.path(), {"--suite", "auth", "--suite", "pci"}, {{"RSOLV_URL_KEY", url_key}});
  EXPECT_EQ(run.result.exit_code, 1) << run.result.out << run.result.err;
  ASSERT_GE(server.request_count(), 3u);
  for (const auto& request : server.requests()) {
    EXPECT_TRUE(request.target.starts_with("/api/")) << request.target;
    EXPECT_NE(request.target.find("api_key=" + url_key), std::string::npos) << request.target;
    EXPECT_EQ(std::count(request.target.begin(), request.target.end(), '?'), 1) << request.target;
  }
  for (const auto& text : {run.result.out, run.result.err, run.report.dump(), run.sarif, run.junit}) {
    EXPECT_EQ(text.find(url_key), std::string::npos) << text.substr(0, 2000);
  }
  EXPECT_GT(run.findings(), 0u);
}

}  // namespace
}  // namespace rsolv::security
