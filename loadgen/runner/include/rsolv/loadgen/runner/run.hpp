#pragma once
// A run: worker threads, each with its own epoll loop, connections and virtual users, execute a
// TestPlan's scenarios on their executors' schedules; a coordinator collects their metrics every
// flush interval, keeps the timeline, evaluates abortOnFail thresholds and handles stop requests.
//
// Latency: http_req_duration counts from the moment the request is written (as k6) except for the
// first request of an arrival-rate iteration, which counts from the iteration's INTENDED start
// (coordinated-omission correction, as wrk2): a target that stalls makes every iteration due in
// the stall late, and their latencies show it. Iterations that were due but never started before
// the scenario ended count as dropped_iterations.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rsolv/loadgen/executors/segment.hpp"
#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/metrics/thresholds.hpp"
#include "rsolv/loadgen/metrics/timeline.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace rsolv::loadgen::runner {

struct RunProgress {
  double elapsed_seconds = 0;
  double planned_seconds = 0;    // the longest scenario's startTime + duration (gracefulStop not included)
  std::int64_t vus = 0;          // active VUs now (k6's vus)
  std::int64_t requests = 0;     // so far
  std::int64_t failed = 0;       // http_req_failed hits so far
  const metrics::MetricSet* metrics = nullptr;  // everything so far (valid during the callback only)
};

struct RunOptions {
  executors::Segment segment;
  int threads = 0;  // worker threads; 0: one per core
  std::chrono::milliseconds flush_interval{1000};
  std::uint64_t seed = 0;  // for ${uuid}, ${random_id}, think times; 0: from the OS
  // Incremented by a signal handler (see stop_signals.hpp): 1 stops starting iterations and lets
  // running ones finish within gracefulStop, 2 or more interrupts them at once.
  const std::atomic<int>* stop_requests = nullptr;
  // Called from the coordinator thread after every flush interval.
  std::function<void(const RunProgress&)> on_progress;
};

// The setup or teardown flow's run: its own metrics (tagged phase:setup|teardown), kept apart from
// the scenarios' so they skew none of them.
struct PhaseResult {
  bool ran = false;
  metrics::MetricSet metrics;
  double duration_seconds = 0;
  std::string failure;  // why it failed, "" when it did not
  bool interrupted = false;  // by a stop signal
  bool failed() const { return ran && !failure.empty(); }
};

struct RunResult {
  metrics::MetricSet metrics;
  std::vector<metrics::ThresholdResult> thresholds;
  std::vector<metrics::TimelinePoint> timeline;
  double duration_seconds = 0;
  std::int64_t started_unix_ms = 0;
  bool interrupted = false;           // a stop request ended the test early
  bool aborted_by_threshold = false;  // an abortOnFail threshold ended it
  std::string aborting_threshold;     // "key: source" of that threshold
  std::string segment = "1/1";
  // Responses refused as malformed or over a limit (counted as failed requests, status 0).
  std::int64_t protocol_errors = 0;
  std::string first_protocol_error;  // e.g. "response body exceeds maxResponseBytes"
  // A failed setup ends the test before any scenario (metrics empty); the teardown runs after the
  // scenarios whatever their outcome (not after a second stop signal).
  PhaseResult setup;
  PhaseResult teardown;
  bool thresholds_ok() const;
};

// Runs the plan's setup, scenarios and teardown to their end (or a stop). Protocol errors are also reported on stderr, one
// "rsolv-loadgen: warning:" line naming the first one and the limit it hit. Throws rsolv::UsageError when an origin does not resolve
// or the TLS context cannot be built, rsolv::Error on a failure of the machine (epoll).
RunResult run_test(const scenario::TestPlan& plan, const RunOptions& options = {});

}  // namespace rsolv::loadgen::runner
