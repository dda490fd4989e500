#pragma once
// A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) whose answers a test scripts in advance:
// respond, close the connection without answering, stall before acting, answer 429 with
// Retry-After, or forward the request to a real upstream (a faulty proxy in front of the sandbox).
// Every request it receives is recorded for assertions. One thread per connection; keep-alive is
// honoured. For tests only: the tools never link it.
//
//   ScriptedServer server;
//   server.enqueue(Action::respond(500, R"({"error":"boom"})"));
//   server.enqueue(Action::close_connection());
//   server.set_default(Action::forward_to(sandbox.base_url()));
//   ... client.send({"GET", server.base_url() + "/api/health"}) ...
//   EXPECT_EQ(server.requests().size(), 3);
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rsolv::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Action {
  enum class Kind { respond, close_connection, forward };
  Kind kind = Kind::respond;
  int status = 200;
  Headers headers;
  std::string body;
  std::chrono::milliseconds stall{0};  // wait this long before acting
  std::string upstream;                 // for forward: "http://127.0.0.1:PORT"

  static Action respond(int status, std::string body = {}, Headers headers = {});
  static Action close_connection();
  static Action too_many_requests(int retry_after_seconds, std::string retry_after_value = {});
  static Action forward_to(std::string upstream_base_url);
  // The same action, after a delay (a stalled upstream).
  Action after(std::chrono::milliseconds delay) const;
};

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as sent
  Headers headers;
  std::string body;
  std::string client_ip;  // the peer address, e.g. "127.0.0.2"
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

class ScriptedServer {
 public:
  ScriptedServer();
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  // Actions are consumed one per request, in order; when none is queued the default answers
  // (200 with an empty JSON object unless set).
  void enqueue(Action action);
  void set_default(Action action);

  int port() const { return port_; }
  std::string base_url() const;
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;

 private:
  void accept_loop();
  void serve(int fd, std::string client_ip);
  Action next_action();
  bool wait_or_stop(std::chrono::milliseconds delay);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  std::deque<Action> queue_;
  Action default_action_;
  std::vector<RecordedRequest> requests_;
  std::vector<int> open_fds_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace rsolv::testing
