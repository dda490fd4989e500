// rsolv-loadgen as a CI pipeline runs it: exit codes, one-line errors with file:line:col, reports
// on disk, segments merged, abortOnFail, Ctrl-C that still writes every report, live metrics.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "delay_server.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;
using namespace std::chrono_literals;

std::string scenario_text(const std::string& url, const std::string& executor, const std::string& thresholds = "") {
  return "name: cli\nscenarios:\n  main:\n" + executor + "    flow:\n      - name: root\n        url: " + url +
         "/\n        checks:\n          - status: 200\n" + thresholds;
}

const std::string kShort = "    executor: constant-vus\n    vus: 2\n    duration: 1s\n";

// GET http://127.0.0.1:port/metrics with a plain socket; the body, or "" on failure.
TEST(Cli, PassingRunExitsZeroAndWritesEveryReport) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("ok.yaml", scenario_text(server.base_url(), kShort, "thresholds:\n  http_req_failed: [\"rate<0.01\"]\n"));
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--junit", dir.file("j.xml"), "--html",
                               dir.file("r.html"), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("http_req_duration"), std::string::npos);  // the text summary
  const auto summary = read_json(dir.file("s.json"));
  EXPECT_TRUE(summary.at("thresholds_ok").get<bool>());
  EXPECT_GT(metric(summary, "http_reqs", "count"), 10);
  EXPECT_EQ(metric(summary, "checks", "rate"), 1.0);
  EXPECT_GT(std::filesystem::file_size(dir.file("j.xml")), 0u);
  EXPECT_GT(std::filesystem::file_size(dir.file("r.html")), 0u);
}

TEST(Cli, AFailedThresholdExits99) {
  DelayServer::Options options;
  options.delay = [](std::uint64_t) { return std::chrono::microseconds(5000); };
  DelayServer server(options);
  TempDir dir;
  const auto file = dir.write("slow.yaml", scenario_text(server.base_url(), kShort, "thresholds:\n  http_req_duration: [\"p(95)<1\"]\n"));
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--quiet"});
  EXPECT_EQ(result.exit_code, 99) << result.err;
  EXPECT_FALSE(read_json(dir.file("s.json")).at("thresholds_ok").get<bool>());
}

TEST(Cli, AConfigurationMistakeExits2WithOneLineNamingFileLineAndColumn) {
  TempDir dir;
  const auto file = dir.write("bad.yaml", "name: bad\nscenarios:\n  main:\n    executor: constant-vuz\n    vus: 1\n");
  for (const char* command : {"run", "validate"}) {
    const auto result = loadgen({command, file});
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find("bad.yaml:4:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("constant-vus"), std::string::npos) << result.err;  // what was meant
  }
  EXPECT_EQ(loadgen({"run"}).exit_code, 2);
  EXPECT_EQ(loadgen({"run", dir.file("missing.yaml")}).exit_code, 2);
  EXPECT_EQ(loadgen({"run", file, "--segment", "3/2"}).exit_code, 2);
}

TEST(Cli, ValidateAcceptsAGoodFileWithoutSendingAnything) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("ok.yaml", scenario_text(server.base_url(), kShort));
  const auto result = loadgen({"validate", file});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(server.requests(), 0u);
}

TEST(Cli, EnvironmentOverridesFillTheScenario) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("env.yaml", scenario_text("${env.TARGET}", kShort));
  EXPECT_EQ(loadgen({"validate", file}).exit_code, 2);  // unset
  const auto result = loadgen({"run", file, "-e", "TARGET=" + server.base_url(), "--quiet"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_GT(server.requests(), 0u);
}

// `run -` as k6 takes a script on stdin: a generated scenario needs no temporary file.
TEST(Cli, ADashReadsTheScenarioFromStandardInput) {
  DelayServer server({});
  const auto scenario = scenario_text(server.base_url(), kShort);
  EXPECT_EQ(loadgen({"validate", "-"}, std::chrono::seconds(60), scenario).exit_code, 0);
  EXPECT_EQ(server.requests(), 0u);
  const auto result = loadgen({"run", "-", "--quiet"}, std::chrono::seconds(60), scenario);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_GT(server.requests(), 0u);
  // A mistake names <stdin> and its line, like a file's.
  const auto bad = loadgen({"validate", "-"}, std::chrono::seconds(60), "name: bad\nscenarios:\n  main:\n    executor: constant-vuz\n");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("<stdin>:4:"), std::string::npos) << bad.err;
}

// Report paths, interruption and partial merges: results_test.cpp.

TEST(Cli, SegmentsRunDisjointSlicesAndMergeAddsUpToTheWholeTest) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("rate.yaml", scenario_text(server.base_url(),
                                                         "    executor: constant-arrival-rate\n    rate: 150\n"
                                                         "    timeUnit: 1s\n    duration: 2s\n    preAllocatedVUs: 4\n",
                                                         "thresholds:\n  http_reqs: [\"count==300\"]\n"));
  std::vector<std::string> parts;
  for (int k = 1; k <= 3; ++k) {
    parts.push_back(dir.file("part" + std::to_string(k) + ".json"));
    const auto r = loadgen({"run", file, "--segment", std::to_string(k) + "/3", "--out", parts.back(), "--quiet"});
    EXPECT_EQ(r.exit_code, 99) << r.err;  // each slice alone is a third of the test
    EXPECT_EQ(metric(read_json(parts.back()), "http_reqs", "count"), 100);
  }
  EXPECT_EQ(server.requests(), 300u);
  const auto merged = loadgen({"merge", parts[0], parts[1], parts[2], "--out", dir.file("merged.json"), "--junit",
                               dir.file("merged.xml")});
  EXPECT_EQ(merged.exit_code, 0) << merged.err << merged.out;
  const auto summary = read_json(dir.file("merged.json"));
  EXPECT_EQ(metric(summary, "http_reqs", "count"), 300);
  EXPECT_EQ(summary.at("segments").size(), 3u);
}

TEST(Cli, AbortOnFailEndsTheTestEarlyAndExits99) {
  DelayServer::Options options;
  options.status = 500;
  DelayServer server(options);
  TempDir dir;
  const auto file = dir.write("abort.yaml", scenario_text(server.base_url(),
                                                          "    executor: constant-vus\n    vus: 2\n    duration: 30s\n",
                                                          "thresholds:\n  http_req_failed:\n    - threshold: rate<0.5\n"
                                                          "      abortOnFail: true\n"));
  const auto start = std::chrono::steady_clock::now();
  const auto result = loadgen({"run", file, "--out", dir.file("s.json"), "--quiet"});
  EXPECT_EQ(result.exit_code, 99) << result.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  const auto summary = read_json(dir.file("s.json"));
  EXPECT_TRUE(summary.at("aborted_by_threshold").get<bool>());
  EXPECT_NE(result.err.find("abortOnFail"), std::string::npos);
}

TEST(Cli, CtrlCStopsGracefullyAndStillWritesTheReportsWhileMetricsWereLive) {
  DelayServer server({});
  TempDir dir;
  const auto file = dir.write("long.yaml", scenario_text(server.base_url(),
                                                         "    executor: constant-vus\n    vus: 2\n    duration: 60s\n"));
  const int metrics_port = process::find_free_port();
  process::ServerOptions options;
  options.executable = kLoadgen;
  options.args = {"run", file, "--out", dir.file("s.json"), "--junit", dir.file("j.xml"), "--quiet", "--metrics-listen",
                  "127.0.0.1:" + std::to_string(metrics_port)};
  options.ready_by = process::ReadyBy::tcp_connect;
  options.port = metrics_port;
  auto child = process::ServerProcess::start(options);
  // Live metrics: after the first 1 s interval they carry the requests counted so far (waited for
  // up to 20 s: the run lasts 60 s).
  std::string text;
  for (int i = 0; i < 200 && text.find("rsolv_loadgen_http_reqs_total") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    text = scrape(metrics_port);
  }
  EXPECT_NE(text.find("rsolv_loadgen_http_reqs_total"), std::string::npos) << text;
  EXPECT_NE(text.find("text/plain; version=0.0.4"), std::string::npos);
  // HEAD: the length, no body; other methods are refused.
  const std::string head = scrape(metrics_port, "HEAD");
  EXPECT_NE(head.find("Content-Length: "), std::string::npos) << head;
  EXPECT_EQ(head.find("rsolv_loadgen_http_reqs_total"), std::string::npos) << head;
  EXPECT_TRUE(scrape(metrics_port, "POST").starts_with("HTTP/1.1 405")) << scrape(metrics_port, "POST");
  child.signal(SIGINT);
  for (int i = 0; i < 200 && child.running(); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(child.running()) << "a graceful stop of fast requests takes well under 10 s";
  EXPECT_EQ(child.stop(), 105);  // k6's code for an external abort
  const auto summary = read_json(dir.file("s.json"));
  EXPECT_TRUE(summary.at("interrupted").get<bool>());
  EXPECT_LT(summary.at("duration_seconds").get<double>(), 30);
  EXPECT_GT(metric(summary, "http_reqs", "count"), 0);
  EXPECT_TRUE(std::filesystem::exists(dir.file("j.xml")));
}

// The progress line shows the planned length without gracefulStop, and the active VUs (k6's `vus`),
// which a fast target used to show as 0 for 1 VU and for arrival-rate runs. It is printed only when
// stderr is a terminal: util-linux's `script` gives the run one.
TEST(Cli, ProgressLineShowsThePlannedLengthAndTheActiveVus) {
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "no /usr/bin/script (util-linux)";
  DelayServer server({});
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"one-vu.yaml", "    executor: constant-vus\n    vus: 1\n    duration: 2s\n"},
      {"rate.yaml", "    executor: constant-arrival-rate\n    rate: 20\n    timeUnit: 1s\n    duration: 2s\n"
                    "    preAllocatedVUs: 2\n"}};
  for (const auto& [name, executor] : runs) {
    SCOPED_TRACE(name);
    const auto file = dir.write(name, scenario_text(server.base_url(), executor));
    const auto summary = dir.file(name + ".json");
    const auto result = process::run("/usr/bin/script", {"-qec", kLoadgen + " run " + file + " --out " + summary, "/dev/null"},
                                     {{"NO_COLOR", "1"}}, 60s);
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("running"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("s / 2s "), std::string::npos) << "planned 2 s, gracefulStop not added: " << result.out;
    EXPECT_EQ(result.out.find("vus 0 "), std::string::npos) << result.out;
    // The end-of-test gauge keeps the last live sample, not the 0 after the end.
    EXPECT_GE(metric(read_json(summary), "vus", "value"), 1) << result.out;
  }
}

TEST(Cli, HelpAndVersion) {
  const auto help = loadgen({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("merge"), std::string::npos);
  const auto version = loadgen({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("rsolv-loadgen"), std::string::npos);
}

}  // namespace
}  // namespace rsolv::loadgen
