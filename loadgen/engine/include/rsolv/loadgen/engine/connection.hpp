#pragma once
// One keep-alive HTTP/1.1 client connection and its state machine: connect, TLS handshake, write
// the request, read and frame the response. Plain and TLS differ only in Socket::ops. The owner
// (a virtual user) starts a request and is told once when it ended, successfully or not; timeouts
// are the owner's (it calls abort()). A request that finds its reused keep-alive connection closed
// by the server before any response byte is resent once on a fresh connection, as browsers do.
#include <cstdint>

#include "rsolv/loadgen/engine/event_loop.hpp"
#include "rsolv/loadgen/engine/response_parser.hpp"
#include "rsolv/loadgen/engine/socket.hpp"
#include "rsolv/loadgen/engine/tls.hpp"
#include "rsolv/loadgen/engine/url.hpp"

namespace rsolv::loadgen::engine {

// What the worker thread shares with all its connections.
struct ConnectionContext {
  EventLoop* loop = nullptr;
  char* read_buffer = nullptr;  // one per thread: responses nobody inspects are never copied
  std::size_t read_buffer_size = 0;
  const TlsContext* tls = nullptr;
  std::int64_t max_response_bytes = ResponseParser::kDefaultBodyLimit;  // each response body's cap
};

struct Endpoint {
  int id = -1;  // connections are reused only for the same endpoint id
  const Origin* origin = nullptr;
  const Address* address = nullptr;
};

enum class Failure : std::uint8_t { none, connect, tls, write, read, protocol, timeout, closed, aborted };
const char* to_string(Failure failure);

struct Timings {
  std::int64_t begin_us = 0;        // the request was handed to the connection
  std::int64_t connect_start_us = 0;  // 0 when the connection was reused
  std::int64_t connected_us = 0;
  std::int64_t handshake_done_us = 0;  // TLS only
  std::int64_t write_start_us = 0;
  std::int64_t sent_us = 0;
  std::int64_t first_byte_us = 0;
  std::int64_t done_us = 0;
};

class Connection;

class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  // Called once per start(); may be called from inside start() (a refused connect).
  virtual void on_request_done(Connection& connection, Failure failure) = 0;
  // The connection read its budget for one wakeup (kReadBudget) and may have more waiting, which
  // no new epoll edge will announce: call resume() after the loop's other work (timers, timeouts,
  // stop signals) has run.
  virtual void on_read_paused(Connection& connection) = 0;
};

class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  void bind(ConnectionContext* context, ConnectionOwner* owner, std::uint32_t tag) {
    context_ = context;
    owner_ = owner;
    tag_ = tag;
    parser_.set_body_limit(context->max_response_bytes);
  }

  // Sends `size` bytes at `data` (which must stay valid until done) and reads the response.
  void start(const Endpoint& endpoint, const char* data, std::size_t size, bool head_request, ResponseSink* sink,
             std::int64_t now_us);
  // Epoll told us about this connection; `generation` is the low half of the event tag.
  void on_event(std::uint32_t events, std::uint32_t generation);
  // Ends the request in flight (timeout, interruption) and closes the connection.
  void abort(Failure failure);
  // Closes the idle connection (abortive: RST, for the end of a run).
  void close(bool abortive = false);
  // Goes on reading after on_read_paused(); nothing when the request has ended meanwhile.
  void resume() {
    if (phase_ == Phase::reading) read();
  }

  // Bytes one wakeup reads at most: a server streaming faster than we parse must not starve the
  // event loop (timeouts, the duration, stop signals). 1 MiB: 16 full reads of the 64 KiB buffer.
  static constexpr std::size_t kReadBudget = 1024 * 1024;

  bool busy() const { return phase_ != Phase::idle; }
  bool is_open() const { return socket_.open(); }
  const ResponseParser& response() const { return parser_; }
  const Timings& timings() const { return timings_; }
  bool reused() const { return reused_; }
  int error_code() const { return error_; }
  std::int64_t bytes_sent() const { return bytes_sent_; }
  std::int64_t bytes_received() const { return bytes_received_; }
  std::uint64_t epoll_tag() const { return (static_cast<std::uint64_t>(tag_) << 32) | generation_; }

 private:
  enum class Phase : std::uint8_t { idle, connecting, handshaking, writing, reading };

  void connect(std::int64_t now_us);
  void after_connect();
  void handshake();
  void write();
  void read();
  void read_while_idle();
  void finish(Failure failure);
  bool retry_on_fresh_connection();

  ConnectionContext* context_ = nullptr;
  ConnectionOwner* owner_ = nullptr;
  std::uint32_t tag_ = 0;
  std::uint32_t generation_ = 0;
  Socket socket_;
  Phase phase_ = Phase::idle;
  int endpoint_id_ = -1;
  Endpoint endpoint_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t written_ = 0;
  bool head_ = false;
  bool reused_ = false;
  bool retried_ = false;
  bool reusable_ = false;
  bool hangup_ = false;  // epoll reported the peer's FIN: read on to EOF (no further edge will come)
  int error_ = 0;
  ResponseSink* sink_ = nullptr;
  ResponseParser parser_;
  Timings timings_;
  std::int64_t bytes_sent_ = 0;
  std::int64_t bytes_received_ = 0;
};

}  // namespace rsolv::loadgen::engine
