#pragma once
// `--metrics-listen ADDR`: a tiny HTTP server on its own thread that answers every GET with the
// latest Prometheus text the run published (the coordinator publishes once per flush interval).
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace rsolv::loadgen::runner {

class MetricsServer {
 public:
  // "HOST:PORT" (port 0 picks a free one); throws rsolv::UsageError when it cannot listen.
  explicit MetricsServer(const std::string& listen);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  void publish(std::string text);
  int port() const { return port_; }
  std::string address() const;  // "127.0.0.1:PORT"

 private:
  void serve();

  int listener_ = -1;
  int port_ = 0;
  std::string host_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string text_;
  std::thread thread_;
};

}  // namespace rsolv::loadgen::runner
