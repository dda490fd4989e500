#pragma once
// Throughput and latency over time: one point per flush interval (a second by default), built by
// the run's coordinator from what the worker threads flushed in that interval. Header-only and
// dependency-free: the runner builds it and the report writers read it.
#include <cstdint>

namespace rsolv::loadgen {

struct TimelinePoint {
  double t_seconds = 0;  // end of the interval, since the test started
  double reqs_per_s = 0;
  double failed_rate = 0;  // share of http_req_failed in the interval
  double p50_ms = 0;
  double p90_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  std::int64_t vus = 0;  // VUs in an iteration at the end of the interval
};

}  // namespace rsolv::loadgen
