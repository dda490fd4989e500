// `setup:` and `teardown:` through the real binary: the setup signs up customers on the real
// rsolv-sandbox, every VU uses the API key of its row, the teardown runs after the scenarios (even
// when thresholds fail), their requests are shown apart from the scenarios' metrics (text, JSON,
// HTML report, JUnit), and a failing setup stops the test before any scenario with k6's exit code 107.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "delay_server.hpp"
#include "rsolv/sandbox/testing/sandbox_process.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;

// Header `name` of a raw request ("" when absent).
std::string header(const std::string& request, const std::string& name) {
  const auto at = request.find("\r\n" + name + ": ");
  if (at == std::string::npos) return {};
  const auto start = at + 4 + name.size();
  return request.substr(start, request.find("\r\n", start) - start);
}

std::string target(const std::string& request) {
  const auto first = request.find(' ');
  return request.substr(first + 1, request.find(' ', first + 1) - first - 1);
}

const nlohmann::json* phase(const nlohmann::json& summary, const std::string& name) {
  for (const auto& p : summary.at("phases")) {
    if (p.at("name") == name) return &p;
  }
  return nullptr;
}

// The JUnit <testcase> element of a phase, up to its end ("" when there is none).
std::string junit_case(const std::string& junit, const std::string& phase_name) {
  const auto at = junit.find("<testcase name=\"" + phase_name + "\" classname=\"phases.");
  if (at == std::string::npos) return {};
  return junit.substr(at, junit.find("</testcase>", at) - at);
}

// The HTML report's row of a phase in its "Setup / teardown" table ("" when there is none).
std::string html_row(const std::string& html, const std::string& phase_name) {
  const auto table = html.find("<h2>Setup / teardown</h2>");
  if (table == std::string::npos) return {};
  const auto at = html.find("<td>" + phase_name + "</td>", table);
  if (at == std::string::npos) return {};
  const auto row = html.rfind("<tr>", at);
  return html.substr(row, html.find("</tr>", at) - row);
}

std::string number_cell(std::int64_t n) { return "<td class=\"n\">" + std::to_string(n) + "</td>"; }

TEST(SetupRun, SignsUpCustomersOnceAndEveryVuUsesItsOwnKey) {
  rsolv::sandbox::testing::SandboxOptions options;
  options.seed = false;
  options.threads = "1";
  rsolv::sandbox::testing::SandboxProcess sandbox(options);
  DelayServer::Options recording;
  recording.max_samples = 1000;
  DelayServer recorder(recording);
  TempDir dir;
  const auto file = dir.write("setup.yaml", R"(name: setup-keys
setup:
  iterations: 5
  flow:
    - name: signup
      method: POST
      url: )" + sandbox.url() + R"(/api/v1/customers/onboard
      json: {name: "Setup ${iter}", email: "setup-${iter}-${uuid}@example.test"}
      expect: 201
      extract:
        api_key: $.api_key
scenarios:
  use:
    executor: per-vu-iterations
    vus: 5
    iterations: 2
    flow:
      - name: entitlement
        url: )" + sandbox.url() + R"(/api/v1/entitlement
        headers: {x-api-key: "${setup.api_key}"}
        checks:
          - status: 200
      - name: echo
        url: )" + recorder.base_url() + R"(/vu/${vu}
        headers: {x-api-key: "${setup.api_key}"}
teardown:
  iterations: 5
  flow:
    - name: goodbye
      url: )" + recorder.base_url() + R"(/teardown
      headers: {x-api-key: "${setup.api_key}"}
thresholds:
  checks: ["rate==1"]
  http_reqs{name:entitlement}: ["count==10"]
)");
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--html", dir.file("report.html"), "--junit",
                               dir.file("junit.xml"), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  const auto summary = read_json(dir.file("s.json"));

  // Each VU used one key throughout, no two VUs the same, and the teardown got each key once.
  std::map<std::string, std::set<std::string>> keys_by_vu;
  std::multiset<std::string> teardown_keys;
  for (const auto& request : recorder.sample_requests()) {
    const auto key = header(request, "x-api-key");
    EXPECT_TRUE(key.starts_with("rsolv_")) << "a key the sandbox issued: " << key;
    if (target(request) == "/teardown") {
      teardown_keys.insert(key);
    } else {
      keys_by_vu[target(request)].insert(key);
    }
  }
  ASSERT_EQ(keys_by_vu.size(), 5u);
  std::set<std::string> all;
  for (const auto& [vu, keys] : keys_by_vu) {
    EXPECT_EQ(keys.size(), 1u) << vu << " kept its row";
    all.insert(keys.begin(), keys.end());
  }
  EXPECT_EQ(all.size(), 5u) << "five signups, five keys, one per VU";
  EXPECT_EQ(std::set<std::string>(teardown_keys.begin(), teardown_keys.end()), all);
  EXPECT_EQ(teardown_keys.size(), 5u);

  // The scenarios' metrics hold their 20 requests only; setup and teardown are shown apart.
  EXPECT_EQ(metric(summary, "http_reqs", "count"), 20);
  const auto* setup = phase(summary, "setup");
  const auto* teardown = phase(summary, "teardown");
  ASSERT_NE(setup, nullptr);
  ASSERT_NE(teardown, nullptr);
  EXPECT_TRUE(setup->at("ok").get<bool>());
  EXPECT_EQ(setup->at("requests"), 5);
  EXPECT_EQ(setup->at("iterations"), 5);
  EXPECT_EQ(teardown->at("requests"), 5);
  EXPECT_NE(result.out.find("setup: ok; 5 iteration(s), 5 request(s), 0 failed"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("teardown: ok; 5 iteration(s), 5 request(s)"), std::string::npos) << result.out;
  // Their series carry phase:setup / phase:teardown.
  EXPECT_NE(setup->at("series").dump().find("\"phase\""), std::string::npos);
  // The HTML report's setup/teardown table and JUnit's cases show the same numbers, both passed.
  const auto html = rsolv::testing::read_file(dir.file("report.html"));
  const auto junit = rsolv::testing::read_file(dir.file("junit.xml"));
  for (const auto* name : {"setup", "teardown"}) {
    SCOPED_TRACE(name);
    const auto row = html_row(html, name);
    EXPECT_NE(row.find("✓"), std::string::npos) << row;
    EXPECT_NE(row.find(number_cell(5) + number_cell(0)), std::string::npos) << "5 requests, 0 failed: " << row;
    const auto test_case = junit_case(junit, name);
    EXPECT_NE(test_case.find("5 request(s), 0 failed"), std::string::npos) << junit;
    EXPECT_EQ(test_case.find("<failure"), std::string::npos) << test_case;
  }
  // The keys never reach a report.
  for (const auto& report : {dir.file("s.json"), dir.file("report.html"), dir.file("junit.xml")}) {
    const auto text = rsolv::testing::read_file(report);
    for (const auto& key : all) EXPECT_EQ(text.find(key), std::string::npos) << report;
  }
  for (const auto& key : all) EXPECT_EQ(result.out.find(key), std::string::npos);
}

TEST(SetupRun, AFailingSetupStopsTheTestBeforeAnyScenarioWithExit107) {
  DelayServer::Options failing_options;
  failing_options.status = 500;
  DelayServer failing(failing_options);
  DelayServer ok({});  // answers 200 "ok": nothing to extract
  DelayServer target_server({});
  TempDir dir;
  const auto scenarios = "scenarios:\n  s:\n    executor: per-vu-iterations\n    flow:\n      - url: " + target_server.base_url() +
                         "/k/${setup.api_key}\nteardown:\n  flow:\n    - url: " + target_server.base_url() + "/teardown\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {failing.base_url(), "setup failed: request 'signup' failed (unexpected status 500, 1 time(s))"},
      {ok.base_url(), "setup failed: iteration 1 extracted no value for 'api_key'"},
  };
  for (const auto& [base, expected] : cases) {
    const auto file = dir.write("fail.yaml", "setup:\n  flow:\n    - name: signup\n      method: POST\n      url: " + base +
                                                 "/signup\n      extract:\n        api_key: $.api_key\n" + scenarios);
    const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--quiet"});
    EXPECT_EQ(result.exit_code, 107) << result.err;
    EXPECT_NE(result.err.find(expected), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("no scenario ran"), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  EXPECT_EQ(target_server.requests(), 0u) << "neither scenarios nor teardown ran";
}

TEST(SetupRun, TheTeardownRunsAfterFailedThresholds) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("teardown.yaml", "scenarios:\n  s:\n    executor: per-vu-iterations\n    vus: 2\n    flow:\n"
                                               "      - url: " + server.base_url() + "/load\n"
                                               "teardown:\n  flow:\n    - name: cleanup\n      url: " + server.base_url() +
                                               "/cleanup\nthresholds:\n  http_reqs: [\"count>1000\"]\n");
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--quiet"});
  EXPECT_EQ(result.exit_code, 99) << result.err;
  const auto requests = server.sample_requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(target(requests.back()), "/cleanup") << "after the scenarios";
  const auto summary = read_json(dir.file("s.json"));
  EXPECT_EQ(metric(summary, "http_reqs", "count"), 2) << "the teardown's request is not in the scenarios' metrics";
  ASSERT_NE(phase(summary, "teardown"), nullptr);
  EXPECT_EQ(phase(summary, "teardown")->at("requests"), 1);
}

TEST(SetupRun, AFailedTeardownFailsItsJUnitCaseAndIsMarkedInTheHtmlReport) {
  DelayServer load({});
  DelayServer::Options failing_options;
  failing_options.status = 500;
  DelayServer failing(failing_options);
  TempDir dir;
  const auto file = dir.write("teardown.yaml", "scenarios:\n  s:\n    executor: per-vu-iterations\n    flow:\n"
                                               "      - url: " + load.base_url() + "/load\n"
                                               "teardown:\n  iterations: 2\n  flow:\n    - name: cleanup\n      url: " +
                                               failing.base_url() + "/cleanup\n");
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--html", dir.file("report.html"), "--junit",
                               dir.file("junit.xml"), "--quiet"});
  EXPECT_EQ(result.exit_code, 107) << "a failed teardown fails a run that passed: " << result.err;
  const auto summary = read_json(dir.file("s.json"));
  ASSERT_NE(phase(summary, "teardown"), nullptr);
  const auto failure = phase(summary, "teardown")->at("failure").get<std::string>();
  ASSERT_FALSE(failure.empty());

  const auto junit = rsolv::testing::read_file(dir.file("junit.xml"));
  const auto test_case = junit_case(junit, "teardown");
  EXPECT_NE(test_case.find("<failure message=\"teardown failed: "), std::string::npos) << junit;
  EXPECT_NE(test_case.find("2 request(s), 2 failed"), std::string::npos) << test_case;
  EXPECT_NE(test_case.find("unexpected status 500"), std::string::npos)
      << "the reason, as the summary says it: " << failure;
  EXPECT_EQ(junit_case(junit, "setup"), "") << "no setup: no case";
  const auto root_at = junit.find("<testsuites");
  const auto root = junit.substr(root_at, junit.find('>', root_at) - root_at);
  EXPECT_NE(root.find("failures=\"1\""), std::string::npos) << "the report as a whole failed: " << root;

  const auto row = html_row(rsolv::testing::read_file(dir.file("report.html")), "teardown");
  EXPECT_NE(row.find("✗"), std::string::npos) << row;
  EXPECT_NE(row.find(number_cell(2) + number_cell(2)), std::string::npos) << "2 requests, 2 failed: " << row;
  EXPECT_NE(row.find("unexpected status 500"), std::string::npos) << row;
}

}  // namespace
}  // namespace rsolv::loadgen
