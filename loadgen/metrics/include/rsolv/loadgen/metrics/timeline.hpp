#pragma once
// Throughput and latency over time: one point per flush interval (timeline_interval()), built by
// the run's coordinator from what the worker threads flushed in that interval. Header-only and
// dependency-free: the runner builds it and the report writers read it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace rsolv::loadgen::metrics {

struct TimelinePoint {
  double t_seconds = 0;  // end of the interval, since the test started
  double reqs_per_s = 0;
  double failed_rate = 0;  // share of http_req_failed in the interval
  double p50_ms = 0;
  double p90_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  std::int64_t vus = 0;  // active VUs at the end of the interval (the last interval: its last live count)
};

// The interval for a test planned to last `planned_seconds`: about 60 points over the run, in
// steps of 100 ms, at least every 100 ms (a 1-2 s run still draws 10-20 points in every chart)
// and at most every second (the worker threads flush their metrics that often).
inline std::chrono::milliseconds timeline_interval(double planned_seconds) {
  const double step = std::round(planned_seconds * 1000 / 60 / 100) * 100;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::clamp(step, 100.0, 1000.0)));
}

}  // namespace rsolv::loadgen::metrics
