// The runner library as main() uses it: the timeline, progress callbacks and stop requests.
#include <gtest/gtest.h>

#include <thread>

#include "delay_server.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/runner/run.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace rsolv::loadgen::testing {
namespace {

using namespace std::chrono_literals;

TestPlan plan_for(const DelayServer& server, const std::string& duration) {
  return load_test_plan_string(R"(
name: runner
scenarios:
  main:
    executor: constant-vus
    vus: 4
    duration: )" + duration + R"(
    flow:
      - url: )" + server.base_url() + R"(/
        sleep: 10ms
)", "runner.yaml");
}

TEST(Runner, TheTimelineHasAPointPerIntervalAndProgressIsReported) {
  DelayServer server({});
  const TestPlan plan = plan_for(server, "1s");
  RunOptions options;
  options.flush_interval = 200ms;
  int progress_calls = 0;
  std::int64_t last_requests = -1;
  bool monotonic = true;
  options.on_progress = [&](const RunProgress& progress) {
    ++progress_calls;
    monotonic = monotonic && progress.requests >= last_requests;
    last_requests = progress.requests;
    EXPECT_NE(progress.metrics, nullptr);
    EXPECT_NEAR(progress.planned_seconds, 1, 0.01);  // the 1 s planned, not the 30 s gracefulStop after it
  };
  const RunResult result = run_test(plan, options);
  EXPECT_GE(progress_calls, 3);
  EXPECT_TRUE(monotonic);
  ASSERT_GE(result.timeline.size(), 4u);
  EXPECT_LE(result.timeline.size(), 6u);
  for (std::size_t i = 1; i < result.timeline.size(); ++i) {
    EXPECT_GT(result.timeline[i].t_seconds, result.timeline[i - 1].t_seconds);
  }
  // 4 VUs each pacing ~10 ms: a few hundred requests a second in every full interval.
  EXPECT_GT(result.timeline[1].reqs_per_s, 100);
  EXPECT_EQ(result.timeline[1].failed_rate, 0);
  EXPECT_NEAR(result.duration_seconds, 1.0, 0.3);
  EXPECT_FALSE(result.interrupted);
  EXPECT_TRUE(result.thresholds_ok());
  EXPECT_EQ(result.metrics.aggregate("http_reqs").value.sum, static_cast<double>(server.requests()));
}

TEST(Runner, AStopRequestEndsALongRunEarly) {
  DelayServer server({});
  const TestPlan plan = plan_for(server, "60s");
  std::atomic<int> stops{0};
  RunOptions options;
  options.stop_requests = &stops;
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stops = 1;
  });
  const auto start = std::chrono::steady_clock::now();
  const RunResult result = run_test(plan, options);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(result.interrupted);
  EXPECT_GT(result.metrics.aggregate("iterations").value.sum, 0);
}

TEST(Runner, AnUnresolvableHostIsAUsageErrorBeforeAnythingRuns) {
  const TestPlan plan = load_test_plan_string(R"(
scenarios:
  main:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - url: http://no-such-host.invalid/
)", "bad-host.yaml");
  EXPECT_THROW(run_test(plan), UsageError);
}

}  // namespace
}  // namespace rsolv::loadgen::testing
