#pragma once
// Request counters and latency histograms per route template, lock-free on the request path:
// counters are a fixed array of atomics indexed by (route, method, status), histograms are
// rsolv::metrics::AtomicHistogram (microseconds).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "rsolv/metrics/atomic_histogram.hpp"
#include "rsolv/report/prometheus.hpp"

namespace rsolv::sandbox::server {

enum class LimitKind { onboard = 0, api = 1 };

class HttpMetrics {
 public:
  HttpMetrics();

  // route: index into route_labels(); method as sent (unknown methods count as "other").
  void record(std::size_t route, std::string_view method, int status, std::chrono::microseconds duration);
  void rate_limited(LimitKind kind);

  // rsolv_sandbox_http_requests_total, rsolv_sandbox_http_request_duration_seconds and
  // rsolv_sandbox_rate_limited_total.
  void write(report::PrometheusWriter& out) const;

 private:
  static constexpr std::size_t kMethods = 8;
  static constexpr int kMinStatus = 100;
  static constexpr int kStatuses = 500;  // 100..599
  std::size_t routes_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::vector<std::unique_ptr<metrics::AtomicHistogram>> durations_;
  std::array<std::atomic<std::uint64_t>, 2> rate_limited_{};
};

}  // namespace rsolv::sandbox::server
