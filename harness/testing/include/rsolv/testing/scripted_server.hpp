#pragma once
// A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) whose answers a test scripts in advance:
// a faulty upstream, or a faulty proxy in front of a real one. For tests only: tools never link it
// (CMake target rsolv_testing).
//
//   ScriptedServer server;                                   // listening once constructed
//   server.enqueue(Action::respond(500, R"({"error":"boom"})"));
//   server.enqueue(Action::close_connection());              // then a dropped connection
//   server.enqueue(Action::too_many_requests(2));            // then 429 + Retry-After: 2
//   server.set_default(Action::forward_to(sandbox.base_url()));  // then pass through
//   ... client.send({"GET", server.base_url() + "/api/health"}) ...
//   ASSERT_EQ(server.requests().size(), 4u);
//   EXPECT_EQ(server.requests()[0].header("x-api-key"), key);
//
// Scripting. Each received request consumes the next queued Action, in arrival order across all
// connections; when the queue is empty the default action answers (200 with body "{}" unless
// set_default() changed it). What each action does on the wire, and what a client sees:
//   respond(status, body, headers)  a complete response with Content-Length (and Content-Type:
//                                   application/json unless given); no body for HEAD.
//   too_many_requests(s[, value])   respond(429, JSON error body, {"Retry-After": value or s}).
//   close_connection()              closes the socket without a byte of response (FIN):
//                                   libcurl reports "Empty reply from server".
//   reset_connection()              closes with SO_LINGER 0 (RST): the peer sees ECONNRESET.
//     Note: when either hits a request that arrived on a REUSED keep-alive connection, libcurl
//     itself resends the request once on a new connection (it takes the connection for stale), so
//     the next action answers and the client's retry logic never sees the drop. To exercise the
//     client's retries, drop the first request of a connection, or enqueue two drops.
//   forward_to("http://127.0.0.1:P") relays the request (with Connection: close) to that upstream
//                                   and its raw response back, then closes the client connection.
//   stream(head, repeat, max_bytes) a hostile server: sends `head` (any bytes, e.g. a status line
//                                   and headers), then `repeat` again and again, as fast as the
//                                   client reads, until the client closes, the server stops or
//                                   max_bytes were sent in all; then closes. streamed_bytes()
//                                   tells how much the client took.
//   from_request(fn)                the action fn(request) returns, decided per request (a server
//                                   with behaviour, e.g. a hostile proxy); fn runs on the
//                                   connection's thread and must be thread-safe.
//   X.after(ms)                     waits ms before doing X (a stalled upstream; the destructor
//                                   cuts the wait short).
//   X.truncated(n)                  for respond/too_many_requests: sends the head, with the full
//                                   Content-Length, and only the first n body bytes, then closes:
//                                   libcurl reports a partial transfer.
// Connections: one thread each; keep-alive is honoured (HTTP/1.1 default, "Connection: close"
// ends it); requests may carry Content-Length or chunked bodies. A malformed request closes its
// connection without an answer and is not recorded; the server keeps serving the others.
//
// Recording. A request is recorded as soon as it has been read, before its action runs, so a
// stalled request is already visible to requests()/wait_for_requests(). requests() returns a copy.
// All members are thread-safe. The destructor stops accepting, cuts stalls short, closes every
// connection and joins its threads.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "rsolv/testing/loopback.hpp"

namespace rsolv::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct RecordedRequest;

struct Action {
  enum class Kind { respond, close_connection, reset_connection, forward, stream, from_request };
  Kind kind = Kind::respond;
  int status = 200;
  Headers headers;
  std::string body;
  std::chrono::milliseconds stall{0};         // wait this long before acting
  std::optional<std::size_t> truncate_body;   // send only this many body bytes, then close
  std::string upstream;                       // for forward: "http://127.0.0.1:PORT"
  std::string repeat;                         // for stream
  std::size_t max_bytes = 0;                  // for stream
  std::function<Action(const RecordedRequest&)> decide;  // for from_request

  static Action respond(int status, std::string body = {}, Headers headers = {});
  static Action close_connection();
  static Action reset_connection();
  // 429 with a JSON body and Retry-After: retry_after_value, or the seconds when it is empty
  // (pass an HTTP-date, or garbage, as the value to test those forms).
  static Action too_many_requests(int retry_after_seconds, std::string retry_after_value = {});
  static Action forward_to(std::string upstream_base_url);
  static Action stream(std::string head, std::string repeat, std::size_t max_bytes);
  static Action from_request(std::function<Action(const RecordedRequest&)> decide);
  // The same action, after a delay (a stalled upstream).
  Action after(std::chrono::milliseconds delay) const;
  // The same response, cut off after `body_bytes` bytes of its body.
  Action truncated(std::size_t body_bytes) const;
};

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as sent
  Headers headers;     // in order, names as sent
  std::string body;    // de-chunked when sent chunked
  std::string client_ip;  // the peer address, e.g. "127.0.0.2"
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive, first match
};

class ScriptedServer {
 public:
  ScriptedServer();  // throws std::runtime_error when it cannot listen
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  void enqueue(Action action);
  void set_default(Action action);
  // Actions still queued (to assert a script was used up).
  std::size_t queued_actions() const;

  int port() const { return listener_.port(); }
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  // Bytes written by stream() actions so far, over all connections.
  std::size_t streamed_bytes() const { return streamed_.load(); }
  // Blocks until at least `count` requests were recorded or the timeout passed; returns whether
  // they were (for peers that call the server asynchronously, e.g. webhook deliveries).
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  void accept_loop();
  void serve(int fd, std::string client_ip);
  void stream(int fd, const Action& action);
  Action next_action();
  bool wait_or_stop(std::chrono::milliseconds delay);

  LoopbackPort listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> streamed_{0};
  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  mutable std::condition_variable recorded_;
  std::deque<Action> queue_;
  Action default_action_;
  std::vector<RecordedRequest> requests_;
  std::vector<int> open_fds_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace rsolv::testing
