#include "rsolv/loadgen/runner/metrics_server.hpp"

#include <arpa/inet.h>

#include <exception>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::runner {

namespace {

constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

// A scrape is a short GET: small limits, short deadlines, so idle or dripping clients cost the
// endpoint nothing (the server serves every connection side by side).
http::ServerOptions scrape_options(const std::string& host, int port) {
  http::ServerOptions options;
  options.host = host;
  options.port = static_cast<std::uint16_t>(port);
  options.threads = 1;
  options.body_limit = 4 * 1024;
  options.header_limit = 16 * 1024;
  options.idle_timeout = std::chrono::seconds(2);  // to start sending a request
  options.request_timeout = std::chrono::seconds(2);
  options.shutdown_grace = std::chrono::seconds(1);
  options.handle_signals = false;  // Ctrl-C belongs to the run (exit 105 after the reports)
  return options;
}

}  // namespace

MetricsServer::MetricsServer(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    throw UsageError("--metrics-listen '" + listen + "': expected HOST:PORT, e.g. 127.0.0.1:9464");
  }
  std::string host = listen.substr(0, colon);
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) throw UsageError("--metrics-listen '" + listen + "': the port must be 0 to 65535");
  in_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) != 1) {
    throw UsageError("--metrics-listen '" + listen + "': give an IPv4 address such as 127.0.0.1 or 0.0.0.0");
  }
  try {
    server_.emplace(scrape_options(host, port), static_cast<http::RequestHandler&>(*this));
  } catch (const std::exception& error) {
    throw UsageError("--metrics-listen '" + listen + "': cannot listen: " + error.what() + " (pick another port)");
  }
  text_ = "# no samples yet\n";
  thread_ = std::thread([this] { server_->run(); });
}

MetricsServer::~MetricsServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

int MetricsServer::port() const { return server_->bound_port(); }

std::string MetricsServer::address() const { return server_->bound_host() + ":" + std::to_string(port()); }

void MetricsServer::publish(std::string text) {
  std::lock_guard lock(mutex_);
  text_ = std::move(text);
}

http::ServerResponse MetricsServer::handle(const http::ServerRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    auto refused = http::json_error(405, "method_not_allowed", "the metrics endpoint answers GET and HEAD");
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  http::ServerResponse response;
  response.content_type = kContentType;
  response.close = true;  // one scrape per connection, as before: a reader until EOF gets its answer
  std::lock_guard lock(mutex_);
  response.body = text_;
  return response;
}

}  // namespace rsolv::loadgen::runner
