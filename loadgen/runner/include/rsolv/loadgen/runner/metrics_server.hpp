#pragma once
// `--metrics-listen ADDR`: the latest Prometheus text the run published (the coordinator publishes
// once per flush interval), on harness/http's bounded HTTP server in its own thread. Every GET
// (any path) gets it; HEAD gets its length.
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "rsolv/http/server.hpp"

namespace rsolv::loadgen::runner {

class MetricsServer final : private http::RequestHandler {
 public:
  // "HOST:PORT" (port 0 picks a free one); throws rsolv::UsageError when it cannot listen.
  explicit MetricsServer(const std::string& listen);
  ~MetricsServer() override;
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  void publish(std::string text);
  int port() const;
  std::string address() const;  // "127.0.0.1:PORT"

 private:
  http::ServerResponse handle(const http::ServerRequest& request) override;

  std::mutex mutex_;
  std::string text_;
  std::optional<http::Server> server_;
  std::thread thread_;
};

}  // namespace rsolv::loadgen::runner
