#pragma once
// HTTP/1.1 server on Boost.Beast: one io_context per worker thread (no locks on the I/O path),
// a single acceptor handing connections round-robin to the workers, keep-alive, a request body
// limit (413), Expect: 100-continue, and graceful shutdown on SIGTERM/SIGINT or stop(): stop
// accepting, close idle connections, let in-flight requests finish (bounded by a grace period).
#include <chrono>
#include <cstddef>
#include <memory>

#include "rsolv/sandbox/server/app.hpp"
#include "rsolv/sandbox/server/listen_address.hpp"

namespace rsolv::sandbox::server {

struct ServerOptions {
  ListenAddress listen{"127.0.0.1", 0};
  std::size_t threads = 0;                       // 0: one per core
  std::size_t body_limit = 1024 * 1024;          // bytes; larger bodies get 413
  std::size_t header_limit = 16 * 1024;          // bytes; larger headers get 431
  std::chrono::seconds idle_timeout{75};         // keep-alive connection with no request
  std::chrono::seconds request_timeout{30};      // to read one request / write one response
  std::chrono::seconds shutdown_grace{10};       // in-flight requests get this long after SIGTERM
  bool handle_signals = true;                    // SIGTERM/SIGINT start the graceful shutdown
};

class HttpServer {
 public:
  // Binds and listens; throws rsolv::Error naming the address when it cannot.
  HttpServer(ServerOptions options, App& app);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound address (the real port when 0 was asked for).
  ListenAddress bound() const;
  std::size_t threads() const;
  // Serves until shutdown completes: every connection closed, every worker thread joined.
  void run();
  // Starts the graceful shutdown; thread-safe and idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rsolv::sandbox::server
