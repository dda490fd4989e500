#include "rsolv/testing/scripted_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "http_wire.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::testing {

Action Action::respond(int status, std::string body, Headers headers) {
  Action action;
  action.status = status;
  action.body = std::move(body);
  action.headers = std::move(headers);
  return action;
}

Action Action::close_connection() {
  Action action;
  action.kind = Kind::close_connection;
  return action;
}

Action Action::reset_connection() {
  Action action;
  action.kind = Kind::reset_connection;
  return action;
}

Action Action::too_many_requests(int retry_after_seconds, std::string retry_after_value) {
  if (retry_after_value.empty()) retry_after_value = std::to_string(retry_after_seconds);
  return respond(429,
                 R"({"error":"rate_limited","message":"Too many requests. Try again in )" +
                     std::to_string(retry_after_seconds) + R"( seconds.","retry_after":)" +
                     std::to_string(retry_after_seconds) + "}",
                 {{"Retry-After", retry_after_value}});
}

Action Action::forward_to(std::string upstream_base_url) {
  Action action;
  action.kind = Kind::forward;
  action.upstream = std::move(upstream_base_url);
  return action;
}

Action Action::stream(std::string head, std::string repeat, std::size_t max_bytes) {
  Action action;
  action.kind = Kind::stream;
  action.body = std::move(head);
  action.repeat = std::move(repeat);
  action.max_bytes = max_bytes;
  return action;
}

Action Action::from_request(std::function<Action(const RecordedRequest&)> decide) {
  Action action;
  action.kind = Kind::from_request;
  action.decide = std::move(decide);
  return action;
}

Action Action::after(std::chrono::milliseconds delay) const {
  Action copy = *this;
  copy.stall = delay;
  return copy;
}

Action Action::truncated(std::size_t body_bytes) const {
  Action copy = *this;
  copy.truncate_body = body_bytes;
  return copy;
}

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (http::iequals(key, name)) return value;
  }
  return std::nullopt;
}

ScriptedServer::ScriptedServer() : listener_(listen_on_loopback()), default_action_(Action::respond(200, "{}")) {
  acceptor_ = std::thread([this] { accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
  stopping_ = true;
  stop_signal_.notify_all();
  listener_.shutdown();  // wakes accept_loop; the socket closes with the member
  if (acceptor_.joinable()) acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void ScriptedServer::enqueue(Action action) {
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(action));
}

void ScriptedServer::set_default(Action action) {
  std::lock_guard lock(mutex_);
  default_action_ = std::move(action);
}

std::string ScriptedServer::base_url() const { return listener_.url(); }

std::vector<RecordedRequest> ScriptedServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t ScriptedServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

std::size_t ScriptedServer::queued_actions() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool ScriptedServer::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return recorded_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

Action ScriptedServer::next_action() {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) return default_action_;
  auto action = std::move(queue_.front());
  queue_.pop_front();
  return action;
}

bool ScriptedServer::wait_or_stop(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stop_signal_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void ScriptedServer::accept_loop() {
  while (!stopping_) {
    sockaddr_in peer{};
    socklen_t peer_length = sizeof peer;
    const int fd = ::accept4(listener_.fd(), reinterpret_cast<sockaddr*>(&peer), &peer_length, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    char address[INET_ADDRSTRLEN] = "";
    ::inet_ntop(AF_INET, &peer.sin_addr, address, sizeof address);
    workers_.emplace_back([this, fd, ip = std::string(address)] { serve(fd, ip); });
  }
}

void ScriptedServer::stream(int fd, const Action& action) {
  std::size_t sent = 0;
  if (!wire::send_all(fd, action.body)) return;
  sent += action.body.size();
  streamed_ += action.body.size();
  if (action.repeat.empty()) return;
  // A block of repeats per send: the client, not the syscall rate, sets the pace.
  std::string block;
  while (block.size() < 64 * 1024) block += action.repeat;
  while (!stopping_ && sent < action.max_bytes) {
    const auto n = std::min(block.size(), action.max_bytes - sent);
    if (!wire::send_all(fd, block.substr(0, n))) return;
    sent += n;
    streamed_ += n;
  }
}

void ScriptedServer::serve(int fd, std::string client_ip) {
  std::string pending;
  bool reset = false;
  while (!stopping_) {
    auto request = wire::read_request(fd, pending);
    if (!request) break;
    request->parsed.client_ip = client_ip;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request->parsed);
    }
    recorded_.notify_all();
    auto action = next_action();
    if (action.kind == Action::Kind::from_request) {
      const auto stall = action.stall;
      action = action.decide(request->parsed);
      action.stall += stall;
    }
    if (action.stall.count() > 0 && !wait_or_stop(action.stall)) break;
    if (action.kind == Action::Kind::close_connection) break;
    if (action.kind == Action::Kind::reset_connection) {
      // Linger 0: close() sends RST instead of FIN.
      const linger abort{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
      reset = true;
      break;
    }
    if (action.kind == Action::Kind::forward) {
      const auto response = wire::forward(action.upstream, *request);
      if (!response.empty()) wire::send_all(fd, response);
      break;  // the upstream's response carries Connection: close
    }
    if (action.kind == Action::Kind::stream) {
      stream(fd, action);
      break;
    }
    const bool with_body = request->parsed.method != "HEAD";
    auto response = wire::render_response(action.status, action.headers, action.body, request->keep_alive, with_body);
    if (action.truncate_body && with_body) {
      response.resize(response.size() - action.body.size() + std::min(*action.truncate_body, action.body.size()));
      wire::send_all(fd, response);
      break;
    }
    if (!wire::send_all(fd, response)) break;
    if (!request->keep_alive) break;
  }
  if (!reset) ::shutdown(fd, SHUT_RDWR);
  std::lock_guard lock(mutex_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

}  // namespace rsolv::testing
