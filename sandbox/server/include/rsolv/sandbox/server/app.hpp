#pragma once
// The HTTP face of the platform, independent of the socket layer: routing, x-api-key
// authentication, rate limits with their headers, JSON errors, /metrics and the access log.
// The server (rsolv/http/server.hpp) feeds it parsed requests from all worker threads; it is thread-safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rsolv/common/clock.hpp"
#include "rsolv/http/server.hpp"
#include "rsolv/sandbox/platform.hpp"
#include "rsolv/sandbox/server/access_log.hpp"
#include "rsolv/sandbox/server/auth_cache.hpp"
#include "rsolv/sandbox/server/http_metrics.hpp"
#include "rsolv/sandbox/server/platform_api.hpp"
#include "rsolv/sandbox/server/rate_limiter.hpp"
#include "rsolv/sandbox/server/routes.hpp"

namespace rsolv::sandbox::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
// The server's request, response and exchange (harness/http's server.hpp).
using HttpRequest = http::ServerRequest;
using HttpResponse = http::ServerResponse;
using Observation = http::ServerExchange;
using http::json_error;

struct AppOptions {
  RateLimit onboard{10, 3600};  // per client IP
  RateLimit api{500, 3600};     // per API key (keyed by its SHA-256)
  std::optional<std::string> access_log;  // "-" or a file; none when empty
  // How long a successful key lookup is reused (see auth_cache.hpp); 0 disables.
  std::chrono::milliseconds auth_cache_ttl{1000};
};

class App final : public http::RequestHandler {
 public:
  App(Platform& platform, AppOptions options, const Clock& clock);
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  HttpResponse handle(const HttpRequest& request) override;
  // A response for a request the server could not read whole (413, 400, 431): routed by target
  // when there is one, so metrics and the log still name the route.
  HttpResponse reject(std::string_view method, std::string_view target, int status, std::string_view code,
                      std::string_view message) override;
  // Called once the response is written: metrics and the access log.
  void observe(const Observation& observation) override;
  // One stderr line; the server has closed that connection and serves on.
  void on_connection_error(const std::exception& error) override;

  std::string render_metrics() const;
  HttpMetrics& metrics() { return metrics_; }

 private:
  HttpResponse dispatch(Endpoint endpoint, const HttpRequest& request, std::string_view query);
  HttpResponse authenticated(Endpoint endpoint, const HttpRequest& request, std::string_view query);

  Platform& platform_;
  PlatformApi api_;
  AppOptions options_;
  const Clock& clock_;
  FixedWindowLimiter onboard_limiter_;
  FixedWindowLimiter api_limiter_;
  AuthCache auth_cache_;
  HttpMetrics metrics_;
  std::unique_ptr<AccessLog> access_log_;
};

}  // namespace rsolv::sandbox::server
