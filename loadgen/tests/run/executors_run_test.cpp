// What the executors, templates, think times, timeouts and gracefulStop do to real traffic: the
// test server sees exactly the requests a scenario file asks for.
#include <gtest/gtest.h>

#include <set>

#include "delay_server.hpp"
#include "run_support.hpp"

namespace rsolv::loadgen::testing {
namespace {

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
  EXPECT_NEAR(static_cast<double>(server.requests()), 300, 2);
  EXPECT_LE(metric(summary, "dropped_iterations", "count"), 0);
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
  // Each VU: request, 200 ms pause; about 5 iterations a second each.
  EXPECT_NEAR(metric(summary, "iterations", "count"), 10, 2);
  EXPECT_GE(metric(summary, "iteration_duration", "min"), 199);
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
  EXPECT_NEAR(metric(summary, "http_req_duration", "max"), 300, 80);  // timeouts are swept every 50 ms
}

TEST(ExecutorsRun, GracefulStopInterruptsIterationsThatRunTooLong) {
  DelayServer::Options options;
  options.delay = [](std::uint64_t n) { return std::chrono::microseconds(n < 2 ? 0 : 10'000'000); };
  DelayServer server(options);
  TempDir dir;
  nlohmann::json summary;
  const auto start = std::chrono::steady_clock::now();
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
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
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
}  // namespace rsolv::loadgen::testing

namespace rsolv::loadgen::testing {
namespace {

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
  // Integral of the VU curve: 0.6 * 6 / 2 + 0.6 * 6 + 0.3 * 6 / 2 = 6.3 VU-seconds, about 20
  // iterations a VU-second.
  EXPECT_NEAR(metric(summary, "iterations", "count"), 6.3 * 1000 / 51, 40);
}

}  // namespace
}  // namespace rsolv::loadgen::testing

namespace rsolv::loadgen::testing {
namespace {

TEST(ExecutorsRun, RampedDownVusAreInterruptedAfterGracefulRampDown) {
  DelayServer::Options options;
  options.delay = [](std::uint64_t) { return std::chrono::microseconds(20'000'000); };  // never in time
  DelayServer server(options);
  TempDir dir;
  nlohmann::json summary;
  const auto start = std::chrono::steady_clock::now();
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
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(metric(summary, "iterations", "count"), 0);  // interrupted iterations do not count
  EXPECT_EQ(server.requests(), 2u);
}

}  // namespace
}  // namespace rsolv::loadgen::testing
