#include "rsolv/http/server.hpp"

#include <atomic>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <cstring>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_set>

#include "framing.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

std::optional<std::string_view> ServerRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

ServerResponse json_error(int status, std::string_view code, std::string_view message) {
  ServerResponse response;
  response.status = status;
  response.body = nlohmann::json{{"error", code}, {"message", message}}.dump();
  return response;
}

// Shared by the Responder copies and, once the connection waits, by its session.
struct Responder::State {
  std::mutex mutex;
  bool done = false;
  std::optional<ServerResponse> early;  // sent before serve() returned
  // Set once the connection waits: hands the answer to the session's thread (and holds the session).
  std::function<void(ServerResponse)> deliver;
  ~State() {
    if (deliver) deliver(json_error(500, "no_answer", "The request was dropped without an answer."));
  }
};

void Responder::send(ServerResponse response) const {
  if (!state_) return;
  std::function<void(ServerResponse)> deliver;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->done) return;
    state_->done = true;
    if (!state_->deliver) {
      state_->early = std::move(response);
      return;
    }
    deliver = std::exchange(state_->deliver, nullptr);
  }
  deliver(std::move(response));
}

std::optional<ServerResponse> RequestHandler::screen(const ServerRequest&) { return std::nullopt; }

std::optional<ServerResponse> RequestHandler::serve(const ServerRequest& request, const Responder&) {
  return handle(request);
}

ServerResponse RequestHandler::reject(std::string_view, std::string_view, int status, std::string_view code,
                                      std::string_view message) {
  return json_error(status, code, message);
}

void RequestHandler::observe(const ServerExchange&) {}

void RequestHandler::on_connection_error(const std::exception&) {}

namespace {

class Session;

struct Worker {
  // Declared before the io_context: sessions whose handlers die with the io_context still
  // unregister themselves from a live set.
  std::unordered_set<Session*> sessions;
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> guard{ioc.get_executor()};
  // Once a second, close the connections whose deadline passed. One coarse timer per worker is
  // far cheaper than arming a timer around every socket operation.
  net::steady_timer sweeper{ioc};
  bool stopping = false;
  std::uint64_t requests = 0;
  std::string id_prefix;
};

std::string_view sv(beast::string_view text) { return {text.data(), text.size()}; }

const beast::error_category& http_category() { return bhttp::make_error_code(bhttp::error::bad_target).category(); }

// Bytes a connection drains after an error answer, so the client reads the answer instead of a
// reset; past this (or 2 s) it is closed.
constexpr std::size_t kDrainLimit = 8 * 1024 * 1024;

struct Shared {
  const ServerOptions& options;
  RequestHandler& handler;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Worker& worker, Shared shared)
      : socket_(std::move(socket)),
        worker_(worker),
        shared_(shared),
        // The buffer holds what is not parsed yet: a whole header section before Beast sees it,
        // a chunk-size line, the trailer section. Its limit is what bounds the trailer, which
        // Beast's parser itself does not (a 64 KiB trailer field throws inside basic_fields).
        buffer_(shared.options.header_limit) {
    beast::error_code ec;
    const auto remote = socket_.remote_endpoint(ec);
    if (!ec) client_ip_ = remote.address().to_string();
  }

  ~Session() {
    worker_.sessions.erase(this);
    if (worker_.stopping && worker_.sessions.empty()) worker_.sweeper.cancel();
  }

  void start() {
    worker_.sessions.insert(this);
    wait_for_request();
  }

  // Shutdown: idle connections close now; a request being read, handled or written finishes
  // (within the grace period) and its connection closes after the response.
  void on_stop(std::chrono::steady_clock::time_point grace_end) {
    if (state_ == State::idle) return force_close();
    deadline_ = std::min(deadline_, grace_end);
  }

  bool expired(std::chrono::steady_clock::time_point now) const { return now >= deadline_; }

  void force_close() {
    beast::error_code ec;
    socket_.close(ec);  // pending operations complete with operation_aborted
    abandon_answer();
  }

 private:
  enum class State { idle, busy, draining, closed };

  std::size_t room() const { return buffer_.max_size() - buffer_.size(); }

  void wait_for_request() {
    state_ = State::idle;
    if (worker_.stopping) return close();
    parser_.emplace();
    request_id_.clear();
    parser_->body_limit(shared_.options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.header_limit));
    scanned_ = 0;
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    // Wait for the first byte separately, so shutdown can tell idle connections from busy ones.
    expires_after(shared_.options.idle_timeout);
    socket_.async_read_some(buffer_.prepare(std::min<std::size_t>(4096, room())),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->close();
                              self->read_header();
                            });
  }

  // The header section is read whole into the buffer before Beast parses it, so its raw bytes
  // can be screened for framing Beast would accept (obs-fold) and its size is bounded by the buffer.
  void read_header() {
    state_ = State::busy;
    expires_after(shared_.options.request_timeout);
    const auto* data = static_cast<const char*>(buffer_.data().data());
    const auto skipped = leading_blank_lines(std::string_view(data, buffer_.size()));
    if (skipped > 0) buffer_.consume(skipped);
    const std::string_view bytes(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    const auto end = find_header_end(bytes, scanned_);
    if (end) return parse_header(bytes.substr(0, *end));
    scanned_ = bytes.size();
    if (bytes.size() >= shared_.options.header_limit || room() == 0) {
      return reject(431, "headers_too_large",
                    "Request headers are limited to " + std::to_string(shared_.options.header_limit) +
                        " bytes (header_limit).");
    }
    socket_.async_read_some(buffer_.prepare(std::min<std::size_t>(4096, room())),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->close();
                              self->read_header();
                            });
  }

  void parse_header(std::string_view raw) {
    if (raw.size() > shared_.options.header_limit) {
      return reject(431, "headers_too_large",
                    "Request headers are limited to " + std::to_string(shared_.options.header_limit) +
                        " bytes (header_limit).");
    }
    beast::error_code ec;
    const auto used = parser_->put(net::buffer(raw.data(), raw.size()), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more || (!ec && !parser_->is_header_done())) {
      return reject(400, "bad_request", "Malformed HTTP/1.1 request header (each line must end in CRLF).");
    }
    if (ec) return on_read_error(ec);
    if (has_obs_fold(raw)) {
      return reject(400, "bad_request", "Header field values folded over several lines (obs-fold) are not accepted.");
    }
    if (const auto problem = framing_problem(parser_->get())) return reject(400, "bad_request", *problem);
    on_header();
  }

  void on_header() {
    started_ = std::chrono::steady_clock::now();
    const auto& request = parser_->get();
    version_ = request.version();
    request_id_ = next_request_id();
    if (auto early = screen()) {
      method_ = std::string(request.method_string());
      return write(std::move(*early), false, !parser_->is_done());
    }
    if (!parser_->is_done() && iequals(sv(request[bhttp::field::expect]), "100-continue")) {
      continue_ = bhttp::response<bhttp::empty_body>(bhttp::status::continue_, version_);
      bhttp::async_write(socket_, continue_, [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
        if (write_ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  std::optional<ServerResponse> screen() { return shared_.handler.screen(request_view()); }

  ServerRequest request_view() {
    const auto& message = parser_->get();
    ServerRequest request;
    request.method = sv(message.method_string());
    request.target = sv(message.target());
    request.headers.reserve(8);
    for (const auto& field : message) request.headers.emplace_back(sv(field.name_string()), sv(field.value()));
    request.client_ip = client_ip_;
    request.request_id = request_id_;
    return request;
  }

  void read_body() {
    if (parser_->is_done()) return handle();
    bhttp::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->on_read_error(ec);
      self->handle();
    });
  }

  void on_read_error(beast::error_code ec) {
    const auto& limits = shared_.options;
    if (ec == bhttp::error::body_limit) {
      return reject(413, "payload_too_large",
                    "Request bodies are limited to " + std::to_string(limits.body_limit) + " bytes (body_limit).");
    }
    if (ec == bhttp::error::header_limit) {
      return reject(431, "headers_too_large",
                    "Request headers are limited to " + std::to_string(limits.header_limit) + " bytes (header_limit).");
    }
    if (ec == bhttp::error::buffer_overflow) {
      // Only a trailer section or a chunk-size line can outgrow the buffer once the header is in.
      return reject(431, "trailers_too_large",
                    "Chunked trailers and chunk-size lines are limited to " + std::to_string(limits.header_limit) +
                        " bytes (header_limit).");
    }
    if (ec == bhttp::error::bad_content_length) {
      return reject(400, "bad_request", "Content-Length is malformed, repeated with different values, or sent with Transfer-Encoding.");
    }
    if (ec == bhttp::error::bad_transfer_encoding) {
      return reject(400, "bad_request", "Transfer-Encoding is repeated or sent with Content-Length.");
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec.category() != http_category()) {
      return close();  // the peer went away or timed out: nobody to answer
    }
    reject(400, "bad_request", "Malformed HTTP/1.1 request: " + ec.message() + ".");
  }

  // Answers a request that could not be read whole, then drains what the client still sends
  // so it sees the response instead of a connection reset.
  void reject(int status, std::string_view code, const std::string& message) {
    std::string method;
    std::string target;
    // The start line is stored before the fields are parsed, so a limit hit inside the header
    // (Content-Length too large) still names the route.
    if (parser_ && !parser_->get().target().empty()) {
      method = std::string(parser_->get().method_string());
      target = std::string(parser_->get().target());
      version_ = parser_->get().version();
    }
    ServerResponse response = shared_.handler.reject(method, target, status, code, message);
    method_ = std::move(method);
    if (request_id_.empty()) request_id_ = next_request_id();
    write(std::move(response), false, true);
  }

  void handle() {
    const auto& message = parser_->get();
    method_.assign(message.method_string().data(), message.method_string().size());
    ServerRequest request = request_view();
    request.body = message.body();
    keep_alive_ = message.keep_alive();
    auto state = std::make_shared<Responder::State>();
    auto response = shared_.handler.serve(request, Responder(state));
    if (!response) response = await_answer(state);
    if (response) answer(std::move(*response));
  }

  // serve() kept the Responder: its answer may be there already; else the connection waits for
  // it (answer_timeout) without blocking the worker.
  std::optional<ServerResponse> await_answer(const std::shared_ptr<Responder::State>& state) {
    std::lock_guard lock(state->mutex);
    if (state->early) return std::exchange(state->early, std::nullopt);
    state->deliver = [self = shared_from_this(), executor = worker_.ioc.get_executor()](ServerResponse response) {
      net::post(executor, [self, response = std::move(response)]() mutable { self->on_answer(std::move(response)); });
    };
    awaiting_ = state;
    expires_after(shared_.options.answer_timeout);
    return std::nullopt;
  }

  void on_answer(ServerResponse response) {
    awaiting_.reset();
    if (!socket_.is_open()) return;  // closed while waiting (answer_timeout, shutdown grace)
    answer(std::move(response));
  }

  // The connection closed while waiting for an answer: a later send() does nothing, and the
  // session the deliverer holds is released on the worker's loop, not inside this call.
  void abandon_answer() {
    const auto state = awaiting_.lock();
    awaiting_.reset();
    if (!state) return;
    std::function<void(ServerResponse)> deliver;
    {
      std::lock_guard lock(state->mutex);
      state->done = true;
      deliver = std::exchange(state->deliver, nullptr);
    }
    if (deliver) net::post(worker_.ioc, [deliver = std::move(deliver)] {});
  }

  void answer(ServerResponse response) {
    const bool keep_alive = keep_alive_ && !worker_.stopping && !response.close;
    write(std::move(response), keep_alive, false);
  }

  void write(ServerResponse response, bool keep_alive, bool linger) {
    route_ = response.route;
    status_ = response.status;
    bytes_ = response.body.size();
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(bhttp::field::content_type, response.content_type);
    response_.set("X-Request-Id", request_id_);
    for (const auto& [name, value] : response.headers) response_.insert(name, value);
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    // A HEAD answer says the GET body's length and sends no body (a body would be read as the
    // next response on a keep-alive connection).
    if (method_ == "HEAD") response_.body().clear();
    expires_after(shared_.options.request_timeout);
    bhttp::async_write(socket_, response_,
                       [self = shared_from_this(), keep_alive, linger](beast::error_code ec, std::size_t) {
                         self->on_write(ec, keep_alive, linger);
                       });
  }

  void on_write(beast::error_code ec, bool keep_alive, bool linger) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
    shared_.handler.observe(ServerExchange{method_, route_, status_, bytes_, elapsed, client_ip_, request_id_});
    if (ec) return close();
    if (linger) return drain_then_close();
    if (!keep_alive) return close();
    wait_for_request();
  }

  void drain_then_close() {
    state_ = State::draining;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    buffer_.consume(buffer_.size());
    expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    socket_.async_read_some(buffer_.prepare(room()), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      self->buffer_.consume(self->buffer_.size());
      if (ec || self->drained_ > kDrainLimit) return self->close();
      self->drain();
    });
  }

  void close() {
    state_ = State::closed;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);
  }

  void expires_after(std::chrono::steady_clock::duration timeout) {
    deadline_ = std::chrono::steady_clock::now() + timeout;
  }

  std::string next_request_id() { return worker_.id_prefix + std::to_string(++worker_.requests); }

  tcp::socket socket_;
  Worker& worker_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  Shared shared_;
  std::string client_ip_;
  beast::flat_buffer buffer_;
  std::size_t scanned_ = 0;  // header bytes already searched for the end of the section
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool keep_alive_ = false;                    // of the request being answered
  std::weak_ptr<Responder::State> awaiting_;  // a deferred answer this connection waits for
  bhttp::response<bhttp::empty_body> continue_;
  bhttp::response<bhttp::string_body> response_;
  State state_ = State::idle;
  unsigned version_ = 11;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::string method_;
  std::string request_id_;
  std::size_t route_ = 0;
  int status_ = 0;
  std::size_t bytes_ = 0;
  std::size_t drained_ = 0;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  RequestHandler& handler;
  std::vector<std::unique_ptr<Worker>> workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::signal_set> signals;
  std::optional<net::steady_timer> accept_retry;
  std::size_t next_worker = 0;
  std::atomic<bool> stop_requested{false};

  Impl(ServerOptions opts, RequestHandler& h) : options(std::move(opts)), handler(h) {}

  void accept() {
    Worker& worker = *workers[next_worker];
    next_worker = (next_worker + 1) % workers.size();
    acceptor->async_accept(worker.ioc, [this, &worker](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      if (ec) {
        // Out of descriptors or similar: back off a little instead of spinning.
        accept_retry->expires_after(std::chrono::milliseconds(20));
        accept_retry->async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec && acceptor->is_open()) accept();
        });
        return;
      }
      beast::error_code option_ec;
      socket.set_option(tcp::no_delay(true), option_ec);
      auto session = std::make_shared<Session>(std::move(socket), worker, Shared{options, handler});
      net::post(worker.ioc, [session] { session->start(); });
      accept();
    });
  }

  // Runs on worker 0.
  void begin_shutdown() {
    beast::error_code ec;
    acceptor->close(ec);
    if (signals) signals->cancel(ec);
    accept_retry->cancel();
    for (auto& worker : workers) {
      net::post(worker->ioc, [this, w = worker.get()] { shutdown_worker(*w); });
    }
  }

  // Runs on the worker's own thread.
  void shutdown_worker(Worker& worker) {
    worker.stopping = true;
    worker.guard.reset();
    const auto grace_end = std::chrono::steady_clock::now() + options.shutdown_grace;
    const std::vector<Session*> sessions(worker.sessions.begin(), worker.sessions.end());
    for (Session* session : sessions) session->on_stop(grace_end);
    // Idle sessions close asynchronously; the sweeper stops once the last one is gone.
    if (worker.sessions.empty()) worker.sweeper.cancel();
  }

  // Runs on the worker's own thread, once a second while the worker has sessions or runs.
  static void sweep(Worker& worker) {
    worker.sweeper.expires_after(std::chrono::seconds(1));
    worker.sweeper.async_wait([&worker](beast::error_code ec) {
      if (ec) return;
      const auto now = std::chrono::steady_clock::now();
      const std::vector<Session*> sessions(worker.sessions.begin(), worker.sessions.end());
      for (Session* session : sessions) {
        if (session->expired(now)) session->force_close();
      }
      if (worker.stopping && worker.sessions.empty()) return;
      sweep(worker);
    });
  }

  // An exception thrown by a completion handler leaves run(); the handler (and with it the last
  // reference to its session and socket) is already gone, so running again serves the others.
  void run_worker(Worker& worker) {
    for (;;) {
      try {
        worker.ioc.run();
        return;
      } catch (const std::exception& error) {
        handler.on_connection_error(error);
      }
    }
  }
};

Server::Server(ServerOptions options, RequestHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {
  auto& impl = *impl_;
  std::size_t threads = impl.options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::string prefix = "req_" + base64url_encode(secure_random_bytes(6)) + "-";
  for (std::size_t i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->id_prefix = prefix + std::to_string(i) + "-";
    Impl::sweep(*worker);
    impl.workers.push_back(std::move(worker));
  }
  auto& ioc = impl.workers.front()->ioc;
  impl.acceptor.emplace(ioc);
  impl.accept_retry.emplace(ioc);
  const bool v6 = impl.options.host.find(':') != std::string::npos;
  const std::string where =
      (v6 ? "[" + impl.options.host + "]" : impl.options.host) + ":" + std::to_string(impl.options.port);
  try {
    const tcp::endpoint endpoint(net::ip::make_address(impl.options.host), impl.options.port);
    impl.acceptor->open(endpoint.protocol());
    impl.acceptor->set_option(tcp::acceptor::reuse_address(true));
    impl.acceptor->bind(endpoint);
    impl.acceptor->listen(net::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& error) {
    throw Error("cannot listen on " + where + ": " + error.code().message() +
                " (choose another port, or port 0 for a free one)");
  }
  if (impl.options.handle_signals) {
    impl.signals.emplace(ioc, SIGTERM, SIGINT);
    impl.signals->async_wait([&impl](beast::error_code ec, int) {
      if (ec) return;
      if (!impl.stop_requested.exchange(true)) impl.begin_shutdown();
    });
  }
  impl.accept();
}

Server::~Server() = default;

std::string Server::bound_host() const { return impl_->acceptor->local_endpoint().address().to_string(); }

std::uint16_t Server::bound_port() const { return impl_->acceptor->local_endpoint().port(); }

std::size_t Server::threads() const { return impl_->workers.size(); }

void Server::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
    threads.emplace_back([impl = impl_.get(), worker = impl_->workers[i].get()] { impl->run_worker(*worker); });
  }
  impl_->run_worker(*impl_->workers.front());
  for (auto& thread : threads) thread.join();
}

void Server::stop() {
  if (impl_->stop_requested.exchange(true)) return;
  net::post(impl_->workers.front()->ioc, [impl = impl_.get()] { impl->begin_shutdown(); });
}

}  // namespace rsolv::http
