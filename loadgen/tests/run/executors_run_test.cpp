// What the executors, templates, think times, timeouts and gracefulStop do to real traffic: the
// test server sees exactly the requests a scenario file asks for.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "delay_server.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen {
namespace {

using namespace testing;
using namespace std::chrono_literals;

std::string run_file(const TempDir& dir, const std::string& yaml, nlohmann::json& summary,
                     const std::vector<std::string>& extra = {}) {
  const auto file = dir.write("scenario.yaml", yaml);
  std::vector<std::string> args{"run", file, "--out", dir.file("s.json"), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto result = loadgen(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  summary = read_json(dir.file("s.json"));
  return result.err;
}

std::string target_of(const std::string& request) {
  const auto first = request.find(' ');
  return request.substr(first + 1, request.find(' ', first + 1) - first - 1);
}

TEST(ExecutorsRun, PerVuIterationsNumberVusFromOneAndIterationsFromZero) {
  DelayServer server({});
  TempDir dir;
  nlohmann::json summary;
  run_file(dir, R"(
scenarios:
  each:
    executor: per-vu-iterations
    vus: 3
    iterations: 2
    flow:
      - url: )" + server.base_url() + R"(/u/${vu}/i/${iter}
)", summary, {"--threads", "2"});
  std::set<std::string> seen;
  for (const auto& request : server.sample_requests()) seen.insert(target_of(request));
  EXPECT_EQ(seen, (std::set<std::string>{"/u/1/i/0", "/u/1/i/1", "/u/2/i/0", "/u/2/i/1", "/u/3/i/0", "/u/3/i/1"}));
  EXPECT_EQ(metric(summary, "iterations", "count"), 6);
}

TEST(ExecutorsRun, SharedIterationsRunExactlyTheSharedCountAcrossThreads) {
  DelayServer server({});
  TempDir dir;
  nlohmann::json summary;
  run_file(dir, R"(
scenarios:
  shared:
    executor: shared-iterations
    vus: 7
    iterations: 500
    flow:
      - url: )" + server.base_url() + R"(/
)", summary, {"--threads", "2"});
  EXPECT_EQ(server.requests(), 500u);
  EXPECT_EQ(metric(summary, "iterations", "count"), 500);
}

TEST(ExecutorsRun, RampingArrivalRateStartsThePlannedIterations) {
  DelayServer server({});
  TempDir dir;
  nlohmann::json summary;
  // 0 -> 200/s over 1 s, then 200/s for 1 s: 100 + 200 iterations.
  run_file(dir, R"(
scenarios:
  ramp:
    executor: ramping-arrival-rate
    startRate: 0
    timeUnit: 1s
    preAllocatedVUs: 5
    stages:
      - {duration: 1s, target: 200}
      - {duration: 1s, target: 200}
    flow:
      - url: )" + server.base_url() + R"(/
)", summary);
  // Every planned iteration is started or, when no VU was free in time (a stalled, loaded machine),
  // counted dropped: never silently lost. Most start.
  const double requests = static_cast<double>(server.requests());
  const double dropped = std::max(0.0, metric(summary, "dropped_iterations", "count"));  // absent when none
  EXPECT_NEAR(requests + dropped, 300, 2);
  EXPECT_GE(requests, 240);
}

TEST(ExecutorsRun, ArrivalRateWithTooFewVusCountsDroppedIterations) {
  DelayServer::Options options;
  options.delay = [](std::uint64_t) { return std::chrono::microseconds(200'000); };
  DelayServer server(options);
  TempDir dir;
  nlohmann::json summary;
  // 100/s for 1 s, but 2 VUs each needing 200 ms: at most ~10 start in time.
  run_file(dir, R"(
scenarios:
  starved:
    executor: constant-arrival-rate
    rate: 100
    timeUnit: 1s
    duration: 1s
    preAllocatedVUs: 2
    maxVUs: 2
    flow:
      - url: )" + server.base_url() + R"(/
)", summary);
  const double started = metric(summary, "iterations", "count");
  const double dropped = metric(summary, "dropped_iterations", "count");
  EXPECT_LE(started, 14);
  EXPECT_EQ(started + dropped, 100);
}

TEST(ExecutorsRun, ThinkTimePacesEachVu) {
  DelayServer server({});
  TempDir dir;
  nlohmann::json summary;
  run_file(dir, R"(
scenarios:
  paced:
    executor: constant-vus
    vus: 2
    duration: 1s
    flow:
      - url: )" + server.base_url() + R"(/
        sleep: 200ms
)", summary);
  // Each VU: request, 200 ms pause; at most 5 iterations a second each (a busy machine only makes it
  // fewer, so the count is bounded from above: without the pause it would be thousands).
  const double iterations = metric(summary, "iterations", "count");
  EXPECT_LE(iterations, 12);
  EXPECT_GE(iterations, 2);  // each VU ran
  EXPECT_GE(metric(summary, "iteration_duration", "min"), 199);  // no iteration skipped its pause
  // A pause several times longer than asked is a fault too: 5x the 200 ms before it counts as one.
  EXPECT_LT(metric(summary, "iteration_duration", "med"), 1000);
}

TEST(ExecutorsRun, ARequestTimeoutIsAFailedRequestTimedAtTheTimeout) {
  DelayServer::Options options;
  options.delay = [](std::uint64_t) { return std::chrono::microseconds(5'000'000); };
  DelayServer server(options);
  TempDir dir;
  nlohmann::json summary;
  run_file(dir, R"(
scenarios:
  slow:
    executor: per-vu-iterations
    vus: 2
    iterations: 1
    flow:
      - url: )" + server.base_url() + R"(/
        timeout: 300ms
)", summary);
  EXPECT_EQ(metric(summary, "http_req_failed", "rate"), 1.0);
  // Timed at the timeout, never before it (timeouts are swept every 50 ms); the server would have
  // answered after 5 s, so anything under 5x the 300 ms shows the request was cut at its timeout.
  EXPECT_GE(metric(summary, "http_req_duration", "max"), 299);
  EXPECT_LT(metric(summary, "http_req_duration", "max"), 1500);
}

TEST(ExecutorsRun, GracefulStopInterruptsIterationsThatRunTooLong) {
  DelayServer::Options options;
  options.delay = [](std::uint64_t n) { return std::chrono::microseconds(n < 2 ? 0 : 60'000'000); };
  DelayServer server(options);
  TempDir dir;
  nlohmann::json summary;
  run_file(dir, R"(
scenarios:
  stuck:
    executor: constant-vus
    vus: 2
    duration: 500ms
    gracefulStop: 300ms
    flow:
      - url: )" + server.base_url() + R"(/
)", summary);
  // The stuck requests would answer after 60 s; the run lasts 500 ms + 300 ms gracefulStop. 5x that
  // (4 s) on the run's own clock shows it did not wait for them.
  EXPECT_LT(summary.at("duration_seconds").get<double>(), 4.0);
  EXPECT_EQ(metric(summary, "iterations", "count"), 2);  // the interrupted ones do not count
  EXPECT_EQ(metric(summary, "http_reqs", "count"), 2);
}

TEST(ExecutorsRun, DataSentAndReceivedCountTheBytesOnTheWire) {
  DelayServer::Options options;
  options.body = std::string(1000, 'x');
  DelayServer server(options);
  TempDir dir;
  nlohmann::json summary;
  run_file(dir, R"(
scenarios:
  bytes:
    executor: per-vu-iterations
    vus: 1
    iterations: 10
    flow:
      - url: )" + server.base_url() + R"(/
)", summary);
  const auto requests = server.sample_requests();
  ASSERT_EQ(requests.size(), 10u);
  EXPECT_EQ(metric(summary, "data_sent", "count"), static_cast<double>(requests[0].size() * 10));
  EXPECT_GT(metric(summary, "data_received", "count"), 10 * 1000);
  EXPECT_LT(metric(summary, "data_received", "count"), 10 * 1100);
}

}  // namespace
}  // namespace rsolv::loadgen

namespace rsolv::loadgen {
namespace {

using namespace testing;

TEST(ExecutorsRun, RampingVusFollowTheStagesUpAndDown) {
  DelayServer server({});
  TempDir dir;
  nlohmann::json summary;
  // 0 -> 6 VUs over 600 ms, 6 for 600 ms, then down to 0 over 300 ms; every VU uses its own path.
  run_file(dir, R"(
scenarios:
  ramp:
    executor: ramping-vus
    startVUs: 0
    gracefulRampDown: 1s
    stages:
      - {duration: 600ms, target: 6}
      - {duration: 600ms, target: 6}
      - {duration: 300ms, target: 0}
    flow:
      - url: )" + server.base_url() + R"(/vu/${vu}
        sleep: 50ms
)", summary, {"--threads", "2"});
  std::set<std::string> vus;
  for (const auto& request : server.sample_requests()) vus.insert(target_of(request));
  EXPECT_EQ(vus.size(), 6u);  // all six came up (the first hundred requests show them)
  EXPECT_EQ(metric(summary, "vus_max", "value"), 6);
  // Integral of the VU curve: 0.6 * 6 / 2 + 0.6 * 6 + 0.3 * 6 / 2 = 6.3 VU-seconds, at most 20
  // iterations a VU-second (each pauses 50 ms): about 124. Six VUs for the whole 1.5 s would make
  // 180, above the bound; a busy machine only makes fewer, down to a fifth.
  const double iterations = metric(summary, "iterations", "count");
  EXPECT_LE(iterations, 6.3 * 1000 / 51 + 40);
  EXPECT_GE(iterations, 6.3 * 1000 / 51 / 5);
}

}  // namespace
}  // namespace rsolv::loadgen

namespace rsolv::loadgen {
namespace {

using namespace testing;

TEST(ExecutorsRun, RampedDownVusAreInterruptedAfterGracefulRampDown) {
  DelayServer::Options options;
  options.delay = [](std::uint64_t) { return std::chrono::microseconds(60'000'000); };  // never in time
  DelayServer server(options);
  TempDir dir;
  nlohmann::json summary;
  // Two VUs stuck in requests; the target drops to 0 at 400 ms. gracefulStop alone would wait 30 s.
  run_file(dir, R"(
scenarios:
  down:
    executor: ramping-vus
    startVUs: 2
    gracefulRampDown: 200ms
    stages:
      - {duration: 400ms, target: 2}
      - {duration: 0s, target: 0}
      - {duration: 600ms, target: 0}
    flow:
      - url: )" + server.base_url() + R"(/
        timeout: 60s
)", summary);
  // The stages last 1 s (the VUs are cut at 600 ms); the default 30 s gracefulStop would end it
  // after 30 s. 5x the 1 s, on the run's own clock.
  EXPECT_LT(summary.at("duration_seconds").get<double>(), 5.0);
  EXPECT_EQ(metric(summary, "iterations", "count"), 0);  // interrupted iterations do not count
  EXPECT_EQ(server.requests(), 2u);
}

}  // namespace
}  // namespace rsolv::loadgen
