#include "rsolv/sandbox/server/http_metrics.hpp"

#include <string>

#include "rsolv/sandbox/server/routes.hpp"

namespace rsolv::sandbox::server {

namespace {

constexpr std::array<std::string_view, 8> kMethodNames = {"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS",
                                                          "other"};

std::size_t method_index(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethodNames.size(); ++i) {
    if (kMethodNames[i] == method) return i;
  }
  return kMethodNames.size() - 1;
}

}  // namespace

HttpMetrics::HttpMetrics()
    : routes_(route_labels().size()),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(routes_ * kMethods * kStatuses)) {
  for (std::size_t i = 0; i < routes_; ++i) durations_.push_back(std::make_unique<metrics::AtomicHistogram>());
}

void HttpMetrics::record(std::size_t route, std::string_view method, int status, std::chrono::microseconds duration) {
  if (route >= routes_) route = unmatched_route();
  if (status < kMinStatus || status >= kMinStatus + kStatuses) status = 500;
  const std::size_t slot = (route * kMethods + method_index(method)) * kStatuses + static_cast<std::size_t>(status - kMinStatus);
  counts_[slot].fetch_add(1, std::memory_order_relaxed);
  durations_[route]->record(std::max<std::int64_t>(1, duration.count()));
}

void HttpMetrics::rate_limited(LimitKind kind) {
  rate_limited_[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
}

void HttpMetrics::write(report::PrometheusWriter& out) const {
  const auto labels = route_labels();
  out.family("rsolv_sandbox_http_requests_total", "counter", "HTTP requests by route template, method and status.");
  for (std::size_t route = 0; route < routes_; ++route) {
    for (std::size_t method = 0; method < kMethods; ++method) {
      for (int status = 0; status < kStatuses; ++status) {
        const auto value = counts_[(route * kMethods + method) * kStatuses + static_cast<std::size_t>(status)].load(
            std::memory_order_relaxed);
        if (value == 0) continue;
        out.sample("rsolv_sandbox_http_requests_total",
                   {{"route", std::string(labels[route])},
                    {"method", std::string(kMethodNames[method])},
                    {"status", std::to_string(status + kMinStatus)}},
                   static_cast<double>(value));
      }
    }
  }
  out.family("rsolv_sandbox_http_request_duration_seconds", "histogram",
             "Time from a request's headers being read to its response being written, by route template.");
  for (std::size_t route = 0; route < routes_; ++route) {
    if (durations_[route]->count() == 0) continue;
    out.histogram("rsolv_sandbox_http_request_duration_seconds", {{"route", std::string(labels[route])}},
                  durations_[route]->snapshot(), report::default_latency_buckets());
  }
  out.family("rsolv_sandbox_rate_limited_total", "counter", "Requests refused with 429, by limit.");
  out.sample("rsolv_sandbox_rate_limited_total", {{"limit", "onboard"}},
             static_cast<double>(rate_limited_[0].load(std::memory_order_relaxed)));
  out.sample("rsolv_sandbox_rate_limited_total", {{"limit", "api"}},
             static_cast<double>(rate_limited_[1].load(std::memory_order_relaxed)));
}

}  // namespace rsolv::sandbox::server
