// The runner library as main() uses it: the timeline, progress callbacks and stop requests.
#include <gtest/gtest.h>

#include <thread>

#include "delay_server.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/runner/run.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace rsolv::loadgen::runner {
namespace {

using namespace rsolv::loadgen::testing;
using namespace std::chrono_literals;

scenario::TestPlan plan_for(const DelayServer& server, const std::string& duration) {
  return scenario::load_test_plan_string(R"(
name: runner
scenarios:
  main:
    executor: constant-vus
    vus: 4
    duration: )" + duration + R"(
    flow:
      - url: )" + server.base_url() + R"(/
        sleep: 10ms
)",
                                         "runner.yaml");
}

TEST(Runner, TheTimelineHasAPointPerIntervalAndProgressIsReported) {
  DelayServer server({});
  const scenario::TestPlan plan = plan_for(server, "1s");
  RunOptions options;
  options.flush_interval = 200ms;
  int progress_calls = 0;
  std::int64_t last_requests = -1;
  options.on_progress = [&](const RunProgress& progress) {
    ++progress_calls;
    EXPECT_GE(progress.requests, last_requests) << "the request count went down";
    last_requests = progress.requests;
    EXPECT_NE(progress.metrics, nullptr);
    EXPECT_NEAR(progress.planned_seconds, 1, 0.01);  // the 1 s planned, not the 30 s gracefulStop after it
  };
  const RunResult result = run_test(plan, options);
  EXPECT_GE(progress_calls, 3);
  // One point per 200 ms interval of the run as it really lasted (a loaded machine makes it longer
  // than the 1 s planned, and the timeline follows), so the count is checked against the duration.
  ASSERT_GE(result.timeline.size(), 4u);
  EXPECT_LE(static_cast<double>(result.timeline.size()), result.duration_seconds / 0.2 + 1.0);
  for (std::size_t i = 1; i < result.timeline.size(); ++i) {
    EXPECT_GT(result.timeline[i].t_seconds, result.timeline[i - 1].t_seconds);
  }
  // 4 VUs each pacing ~10 ms: about 400 requests a second in every full interval; a fifth of that
  // leaves room for a loaded machine and still fails if the interval's count is lost.
  EXPECT_GT(result.timeline[1].reqs_per_s, 80);
  EXPECT_EQ(result.timeline[1].failed_rate, 0);
  // Never shorter than planned; 5x the plan before a slow end counts as a fault.
  EXPECT_GE(result.duration_seconds, 0.99);
  EXPECT_LT(result.duration_seconds, 5.0);
  EXPECT_FALSE(result.interrupted);
  EXPECT_TRUE(result.thresholds_ok());
  EXPECT_EQ(result.metrics.aggregate("http_reqs").value.sum, static_cast<double>(server.requests()));
}

TEST(Runner, AStopRequestEndsALongRunEarly) {
  DelayServer server({});
  const scenario::TestPlan plan = plan_for(server, "60s");
  std::atomic<int> stops{0};
  RunOptions options;
  options.stop_requests = &stops;
  // Stop once the run is observably under way (the server has answered), not after a guessed sleep.
  std::chrono::steady_clock::time_point stopped_at{};
  std::thread stopper([&] {
    for (int i = 0; i < 2000 && server.requests() == 0; ++i) std::this_thread::sleep_for(10ms);
    stopped_at = std::chrono::steady_clock::now();
    stops = 1;
  });
  const RunResult result = run_test(plan, options);
  stopper.join();
  // The runner looks every 20 ms and the iterations take 10 ms: a 60 s run ends some tens of ms after
  // the request, and 3 s is far more than 5x that.
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 3s);
  EXPECT_TRUE(result.interrupted);
  EXPECT_GT(result.metrics.aggregate("iterations").value.sum, 0);
}

TEST(Runner, AnUnresolvableHostIsAUsageErrorBeforeAnythingRuns) {
  const scenario::TestPlan plan = scenario::load_test_plan_string(R"(
scenarios:
  main:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - url: http://no-such-host.invalid/
)",
                                                                  "bad-host.yaml");
  EXPECT_THROW(run_test(plan), UsageError);
}

}  // namespace
}  // namespace rsolv::loadgen::runner
