// `rsolv-loadgen run` against hostile servers on loopback (harness/testing's ScriptedServer
// streaming what a test scripts): the run must end on its schedule and report, whatever the server
// sends. Each scenario: 1 VU for 2 s, gracefulStop 1 s, a 1 s request timeout, so a healthy run
// takes about 2 s and the process is given 30 s before it counts as hung.
#include <gtest/gtest.h>

#include <fstream>
#include <vector>
#include <nlohmann/json.hpp>
#include <string>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/scripted_server.hpp"
#include "rsolv/testing/temp_dir.hpp"
#include "support.hpp"

namespace rsolv::hostile {
namespace {

using rsolv::testing::Action;

struct Outcome {
  process::CommandResult run;
  nlohmann::json summary;
  std::chrono::milliseconds took{0};
};

double metric(const nlohmann::json& summary, const std::string& name, const std::string& key) {
  if (!summary.contains("metrics") || !summary["metrics"].contains(name)) return -1;
  const auto& values = summary["metrics"][name]["values"];
  return values.contains(key) ? values[key].get<double>() : -1;
}

Outcome run_against(const testing::ScriptedServer& server, const std::string& extra_options = "") {
  testing::TempDir dir;
  const auto file = dir.write("hostile.yaml", "name: hostile\n" + extra_options + "timeout: 1s\nscenarios:\n  main:\n"
                                              "    executor: constant-vus\n    vus: 1\n    duration: 2s\n"
                                              "    gracefulStop: 1s\n    flow:\n      - name: root\n        url: " +
                                              server.base_url() + "/\n");
  Outcome outcome;
  const auto started = std::chrono::steady_clock::now();
  outcome.run = process::run(std::string(RSOLV_BIN_DIR) + "/rsolv-loadgen",
                             {"run", file, "--out", dir.file("summary.json"), "--quiet"}, {{"NO_COLOR", "1"}}, 30s);
  outcome.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::ifstream in(dir.file("summary.json"));
  outcome.summary = nlohmann::json::parse(in, nullptr, false);
  return outcome;
}

// The run ended on schedule (2 s + at most the 1 s gracefulStop, with a wide margin for a
// loaded machine) and wrote its summary.
void expect_on_schedule(const Outcome& outcome) {
  EXPECT_FALSE(outcome.run.timed_out) << "rsolv-loadgen was still running after 30 s";
  EXPECT_EQ(outcome.run.exit_code, 0) << outcome.run.err;
  EXPECT_LT(outcome.took, 15s);
  ASSERT_TRUE(outcome.summary.is_object()) << "no summary written";
  EXPECT_GE(metric(outcome.summary, "http_reqs", "count"), 1);
}

TEST(LoadgenAgainstHostileServers, AFastStreamOfTinyChunksCannotHoldTheEventLoop) {
  // A body that never ends and is slow to parse: only the request timeout can end it, and only
  // if the read loop yields to the event loop.
  testing::ScriptedServer server;
  server.set_default(Action::stream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "1\r\nx\r\n",
                                    std::size_t{16} << 30));
  const auto outcome = run_against(server, "maxResponseBytes: 1000000000000\n");
  expect_on_schedule(outcome);
  // Timeouts are recorded at the timeout: 1 s, give or take the 50 ms sweep; 5x that before a late
  // record counts as a fault on a loaded machine.
  EXPECT_GE(metric(outcome.summary, "http_req_duration", "max"), 900);
  EXPECT_LT(metric(outcome.summary, "http_req_duration", "max"), 5000);
  EXPECT_EQ(metric(outcome.summary, "http_req_failed", "rate"), 1.0);
}

TEST(LoadgenAgainstHostileServers, EndlessEmptyLinesHitTheHeaderLimit) {
  testing::ScriptedServer server;
  server.set_default(Action::stream("", "\r\n", std::size_t{16} << 30));
  const auto outcome = run_against(server);
  expect_on_schedule(outcome);
  EXPECT_NE(outcome.run.err.find("response headers exceed 1 MiB"), std::string::npos) << outcome.run.err;
  EXPECT_LT(metric(outcome.summary, "http_req_duration", "max"), 900) << "refused before the timeout";
}

TEST(LoadgenAgainstHostileServers, AFloodOfInterimResponsesIsAProtocolErrorNotALongerTimeout) {
  testing::ScriptedServer server;
  server.set_default(Action::stream("", "HTTP/1.1 100 Continue\r\n\r\n", std::size_t{16} << 30));
  const auto outcome = run_against(server);
  expect_on_schedule(outcome);
  EXPECT_NE(outcome.run.err.find("interim (1xx) responses"), std::string::npos) << outcome.run.err;
  EXPECT_LT(metric(outcome.summary, "http_req_duration", "max"), 900);
}

TEST(LoadgenAgainstHostileServers, AnEndlessBodyIsCutAtMaxResponseBytes) {
  testing::ScriptedServer server;
  server.set_default(Action::stream("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", std::string(4096, 'x'),
                                    std::size_t{16} << 30));
  const auto outcome = run_against(server, "maxResponseBytes: 1048576\n");
  expect_on_schedule(outcome);
  EXPECT_NE(outcome.run.err.find("response body exceeds maxResponseBytes"), std::string::npos) << outcome.run.err;
  EXPECT_NE(outcome.run.err.find("1048576"), std::string::npos) << outcome.run.err;
  // Each request reads about 1 MiB before giving up; the old reader took gigabytes to the timeout.
  const double requests = metric(outcome.summary, "http_reqs", "count");
  EXPECT_LT(static_cast<double>(server.streamed_bytes()), (requests + 4) * 8 * 1024 * 1024)
      << server.streamed_bytes() << " bytes streamed for " << requests << " requests";
  // A declared length over the cap fails at the header.
  testing::ScriptedServer declared;
  declared.set_default(Action::respond(200, std::string(2 * 1024 * 1024, 'y')));
  const auto declared_outcome = run_against(declared, "maxResponseBytes: 1048576\n");
  expect_on_schedule(declared_outcome);
  EXPECT_NE(declared_outcome.run.err.find("Content-Length exceeds maxResponseBytes"), std::string::npos)
      << declared_outcome.run.err;
}

TEST(LoadgenAgainstHostileServers, IdleAndDrippingClientsDoNotKeepPrometheusFromMetrics) {
  testing::ScriptedServer target;
  testing::TempDir dir;
  const auto file = dir.write("metrics.yaml", "name: metrics\nscenarios:\n  main:\n    executor: constant-vus\n"
                                              "    vus: 1\n    duration: 6s\n    flow:\n      - url: " +
                                              target.base_url() + "/\n        sleep: 50ms\n");
  const int port = process::find_free_port();
  process::ServerOptions options;
  options.executable = std::string(RSOLV_BIN_DIR) + "/rsolv-loadgen";
  options.args = {"run", file, "--metrics-listen", "127.0.0.1:" + std::to_string(port), "--quiet"};
  options.ready_by = process::ReadyBy::tcp_connect;
  options.port = port;
  auto loadgen = process::ServerProcess::start(options);
  std::vector<RawConnection> idle;
  for (int i = 0; i < 100; ++i) idle.emplace_back(port);
  RawConnection drip(port);
  drip.send("GET /metrics HTTP/1.1\r\n");
  for (int i = 0; i < 3; ++i) {
    drip.send("X");
    const auto scrape = probe(port, "/metrics");
    EXPECT_EQ(scrape.status, 200);
    // The old server read each connection's head in turn, up to 2 s each.
    EXPECT_LT(scrape.elapsed, 10 * kAnswerBound) << "scrape " << i << " took " << scrape.elapsed.count() << " us";
  }
  EXPECT_TRUE(loadgen.running());
}

}  // namespace
}  // namespace rsolv::hostile
