#pragma once
// The HTTP face of the platform, independent of the socket layer: routing, x-api-key
// authentication, rate limits with their headers, JSON errors, /metrics and the access log.
// The server (http_server.hpp) feeds it parsed requests from all worker threads; it is thread-safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rsolv/common/clock.hpp"
#include "rsolv/sandbox/platform.hpp"
#include "rsolv/sandbox/server/access_log.hpp"
#include "rsolv/sandbox/server/auth_cache.hpp"
#include "rsolv/sandbox/server/http_metrics.hpp"
#include "rsolv/sandbox/server/rate_limiter.hpp"
#include "rsolv/sandbox/server/routes.hpp"

namespace rsolv::sandbox::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A parsed request as views into the server's buffers: valid for the duration of App::handle.
struct HttpRequest {
  std::string_view method;
  std::string_view target;  // origin-form: path and query
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
  std::string_view client_ip;
  std::string_view request_id;
  // Case-insensitive; the first match.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  HeaderList headers;
  std::size_t route = 0;  // index into route_labels(), for metrics and the access log
};

// One finished exchange, as metrics and the access log see it.
struct Observation {
  std::string_view method;
  std::size_t route = 0;
  int status = 0;
  std::size_t bytes = 0;  // response body bytes
  std::chrono::microseconds duration{0};
  std::string_view client_ip;
  std::string_view request_id;
};

struct AppOptions {
  RateLimit onboard{10, 3600};  // per client IP
  RateLimit api{500, 3600};     // per API key (keyed by its SHA-256)
  std::optional<std::string> access_log;  // "-" or a file; none when empty
  // How long a successful key lookup is reused (see auth_cache.hpp); 0 disables.
  std::chrono::milliseconds auth_cache_ttl{1000};
};

// `{"error":code,"message":message}` with the given status.
HttpResponse json_error(int status, std::string_view code, std::string_view message);

class App {
 public:
  App(Platform& platform, AppOptions options, const Clock& clock);
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  HttpResponse handle(const HttpRequest& request);
  // A response for a request the server could not read whole (413, 400, 431): routed by target
  // when there is one, so metrics and the log still name the route.
  HttpResponse reject(std::string_view method, std::string_view target, int status, std::string_view code,
                      std::string_view message) const;
  // Called once the response is written: metrics and the access log.
  void observe(const Observation& observation);

  std::string render_metrics() const;
  HttpMetrics& metrics() { return metrics_; }

 private:
  HttpResponse dispatch(Endpoint endpoint, const HttpRequest& request, std::string_view query);
  HttpResponse authenticated(Endpoint endpoint, const HttpRequest& request, std::string_view query);

  Platform& platform_;
  AppOptions options_;
  const Clock& clock_;
  FixedWindowLimiter onboard_limiter_;
  FixedWindowLimiter api_limiter_;
  AuthCache auth_cache_;
  HttpMetrics metrics_;
  std::unique_ptr<AccessLog> access_log_;
};


}  // namespace rsolv::sandbox::server
