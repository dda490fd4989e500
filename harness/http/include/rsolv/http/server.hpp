#pragma once
// A small HTTP/1.1 server on Boost.Beast for the tools that receive requests (rsolv-sandbox,
// `rsolv-webhook-sim listen`): one io_context per worker thread (no locks on the I/O path), a
// single acceptor handing connections round-robin to the workers, keep-alive and pipelining,
// Expect: 100-continue, per-connection deadlines, and graceful shutdown on SIGTERM/SIGINT or
// stop(): stop accepting, close idle connections, let in-flight requests finish within a grace.
//
// Hostile input is answered, never fatal: every request is bounded (header, trailer, body, time)
// and what exceeds a limit gets a one-line JSON error naming it (431, 413, 400), then the
// connection closes. Framing that a proxy could read differently (Transfer-Encoding other than
// "chunked", Transfer-Encoding with Content-Length, conflicting Content-Lengths, obs-fold) is a
// 400. An exception escaping a connection's handler closes that connection only.
//
// A handler that waits on another service (webhook-sim's `listen --forward-to`) answers later
// through a Responder (RequestHandler::serve), from any thread: its connection waits, every other
// connection is served meanwhile.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rsolv::http {

// A parsed request as views into the server's buffers: valid for the duration of the call.
struct ServerRequest {
  std::string_view method;
  std::string_view target;  // origin-form: path and query
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;  // empty in RequestHandler::screen()
  std::string_view client_ip;
  std::string_view request_id;
  // Case-insensitive; the first match.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct ServerResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t route = 0;  // the handler's own label index, handed back in ServerExchange
  bool close = false;     // answer with Connection: close and end the connection
};

// One finished exchange, as metrics and access logs see it.
struct ServerExchange {
  std::string_view method;
  std::size_t route = 0;
  int status = 0;
  std::size_t bytes = 0;  // response body bytes
  std::chrono::microseconds duration{0};
  std::string_view client_ip;
  std::string_view request_id;
};

// `{"error":code,"message":message}` with the given status.
ServerResponse json_error(int status, std::string_view code, std::string_view message);

// The answer to one request, given later and from any thread (RequestHandler::serve). Copyable;
// the first send() answers, later ones do nothing, and so does a send() after the connection was
// closed (answer_timeout, shutdown grace, client gone). When the last copy is dropped without an
// answer, the client gets 500 {"error":"no_answer"}. Once Server::run() has returned, every
// Responder is inert (its connection is gone).
class Responder {
 public:
  struct State;  // the server's
  explicit Responder(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void send(ServerResponse response) const;

 private:
  std::shared_ptr<State> state_;
};

// What the server calls; from every worker thread at once when it has several.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // After the header, before the body is read: a response here is sent at once, the body is
  // never read or buffered (the connection then closes). Default: read the body.
  virtual std::optional<ServerResponse> screen(const ServerRequest& head);
  virtual ServerResponse handle(const ServerRequest& request) = 0;
  // What the server calls for a whole request. Default: handle(request). To answer later, keep a
  // copy of `later` and return nullopt; the request's views end with this call, so copy what you
  // need. Meanwhile the connection waits, at most ServerOptions::answer_timeout.
  virtual std::optional<ServerResponse> serve(const ServerRequest& request, const Responder& later);
  // A response for a request that could not be read whole (413, 431, 400); the default is
  // json_error(status, code, message).
  virtual ServerResponse reject(std::string_view method, std::string_view target, int status, std::string_view code,
                                std::string_view message);
  // Called once the response is written.
  virtual void observe(const ServerExchange& exchange);
  // An exception escaped while serving one connection (that connection is closed, the server
  // goes on). Default: nothing.
  virtual void on_connection_error(const std::exception& error);
};

struct ServerOptions {
  std::string host = "127.0.0.1";  // a literal IPv4 or IPv6 address
  std::uint16_t port = 0;          // 0: a free one
  std::size_t threads = 1;         // 0: one per core
  // Limits; each is named in the error a client gets when it hits it.
  std::size_t body_limit = 1024 * 1024;   // request body bytes (413 payload_too_large)
  // Request line + header fields (431 headers_too_large); also the trailer section and any one
  // chunk-size line (431 trailers_too_large): the most a connection buffers unparsed.
  std::size_t header_limit = 16 * 1024;
  std::chrono::seconds idle_timeout{75};     // keep-alive connection with no request
  std::chrono::seconds request_timeout{30};  // to read one request / write one response
  // For a deferred answer (RequestHandler::serve) to come; then the connection closes unanswered.
  std::chrono::seconds answer_timeout{30};
  std::chrono::seconds shutdown_grace{10};   // in-flight requests get this long after stop()
  bool handle_signals = true;                // SIGTERM/SIGINT start the graceful shutdown
};

class Server {
 public:
  // Binds and listens; throws rsolv::Error naming the address when it cannot.
  Server(ServerOptions options, RequestHandler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::string bound_host() const;
  std::uint16_t bound_port() const;  // the real port when 0 was asked for
  std::size_t threads() const;
  // Serves until shutdown completes: every connection closed, every worker thread joined.
  void run();
  // Starts the graceful shutdown; thread-safe, idempotent, and callable before run().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rsolv::http
