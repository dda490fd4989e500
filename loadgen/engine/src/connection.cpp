#include "rsolv/loadgen/engine/connection.hpp"

#include <openssl/err.h>

#include <cerrno>

namespace rsolv::loadgen::engine {

namespace {
constexpr std::uint32_t kReadable = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;
}

const char* to_string(Failure failure) {
  switch (failure) {
    case Failure::none: return "none";
    case Failure::connect: return "connect";
    case Failure::tls: return "tls";
    case Failure::write: return "write";
    case Failure::read: return "read";
    case Failure::protocol: return "protocol";
    case Failure::timeout: return "timeout";
    case Failure::closed: return "closed";
    case Failure::aborted: return "aborted";
  }
  return "unknown";
}

Connection::~Connection() { close(true); }

void Connection::start(const Endpoint& endpoint, const char* data, std::size_t size, bool head_request,
                       ResponseSink* sink, std::int64_t now_us) {
  timings_ = Timings{};
  timings_.begin_us = now_us;
  bytes_sent_ = bytes_received_ = 0;
  data_ = data;
  size_ = size;
  written_ = 0;
  head_ = head_request;
  sink_ = sink;
  retried_ = false;
  error_ = 0;
  parser_.reset(head_request);
  if (socket_.open() && endpoint_id_ == endpoint.id && reusable_) {
    reused_ = true;
    timings_.write_start_us = now_us;
    phase_ = Phase::writing;
    write();
    return;
  }
  close();
  endpoint_ = endpoint;
  connect(now_us);
}

void Connection::connect(std::int64_t now_us) {
  reused_ = false;
  ++generation_;
  int error = 0;
  const int fd = start_connect(*endpoint_.address, error);
  timings_.connect_start_us = now_us;
  if (fd < 0) {
    error_ = error;
    finish(Failure::connect);
    return;
  }
  socket_.fd = fd;
  socket_.ops = &kPlainSocket;
  endpoint_id_ = endpoint_.id;
  reusable_ = true;
  hangup_ = false;
  phase_ = Phase::connecting;
  if (!context_->loop->add(fd, epoll_tag())) {
    error_ = errno;
    finish(Failure::connect);
  }
}

void Connection::on_event(std::uint32_t events, std::uint32_t generation) {
  if (generation != generation_) return;  // about a socket this connection already closed
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) hangup_ = true;
  switch (phase_) {
    case Phase::idle:
      if (events & kReadable) read_while_idle();
      return;
    case Phase::connecting:
      if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
        if (const int error = connect_result(socket_.fd); error != 0) {
          error_ = error;
          finish(Failure::connect);
          return;
        }
        after_connect();
      }
      return;
    case Phase::handshaking:
      handshake();
      return;
    case Phase::writing:
      write();
      // A server may answer before reading everything (413); its edge came while we wrote.
      if (phase_ == Phase::reading && (events & kReadable)) read();
      return;
    case Phase::reading:
      if (events & kReadable) read();
      return;
  }
}

void Connection::after_connect() {
  timings_.connected_us = monotonic_us();
  if (endpoint_.origin->tls) {
    if (context_->tls == nullptr || !context_->tls->attach(socket_, endpoint_.origin->host)) {
      finish(Failure::tls);
      return;
    }
    phase_ = Phase::handshaking;
    handshake();
    return;
  }
  timings_.write_start_us = timings_.connected_us;
  phase_ = Phase::writing;
  write();
}

void Connection::handshake() {
  switch (socket_.ops->handshake(socket_)) {
    case Io::ok:
      timings_.handshake_done_us = monotonic_us();
      timings_.write_start_us = timings_.handshake_done_us;
      phase_ = Phase::writing;
      write();
      return;
    case Io::want_read:
    case Io::want_write:
      return;
    default:
      error_ = static_cast<int>(ERR_peek_last_error() & 0x7fffffff);
      finish(Failure::tls);
      return;
  }
}

void Connection::write() {
  while (written_ < size_) {
    const IoResult r = socket_.ops->write(socket_, data_ + written_, size_ - written_);
    if (r.status == Io::ok) {
      written_ += r.bytes;
      bytes_sent_ += static_cast<std::int64_t>(r.bytes);
      continue;
    }
    if (r.status == Io::want_write || r.status == Io::want_read) return;
    if (retry_on_fresh_connection()) return;
    error_ = r.error;
    finish(Failure::write);
    return;
  }
  timings_.sent_us = monotonic_us();
  phase_ = Phase::reading;
  // TLS may already hold a decrypted response in its buffers, which epoll cannot announce.
  if (socket_.ssl != nullptr) read();
}

void Connection::read() {
  const bool tls = socket_.ssl != nullptr;
  std::size_t budget = kReadBudget;
  for (;;) {
    const IoResult r = socket_.ops->read(socket_, context_->read_buffer, context_->read_buffer_size);
    if (r.status == Io::ok) {
      if (bytes_received_ == 0) timings_.first_byte_us = monotonic_us();
      bytes_received_ += static_cast<std::int64_t>(r.bytes);
      std::size_t consumed = 0;
      const auto status = parser_.feed(context_->read_buffer, r.bytes, consumed, sink_);
      if (status == ResponseParser::Status::complete) {
        // Bytes after the response: no pipelining was asked for, so the connection is suspect.
        if (consumed < r.bytes || socket_.ops->pending(socket_) > 0) reusable_ = false;
        finish(Failure::none);
        return;
      }
      if (status == ResponseParser::Status::error) {
        finish(Failure::protocol);
        return;
      }
      // A short read drained the socket (the edge re-arms on new data); TLS records are read one
      // at a time, so TLS reads on until the library asks for more.
      // With the FIN already announced, no new edge will come: read on to the EOF.
      if (!tls && !hangup_ && r.bytes < context_->read_buffer_size) return;
      if (r.bytes >= budget) {
        owner_->on_read_paused(*this);
        return;
      }
      budget -= r.bytes;
      continue;
    }
    if (r.status == Io::want_read || r.status == Io::want_write) return;
    if (r.status == Io::eof) {
      if (!parser_.started() && retry_on_fresh_connection()) return;
      reusable_ = false;
      if (parser_.finish_eof() == ResponseParser::Status::complete) {
        if (timings_.first_byte_us == 0) timings_.first_byte_us = monotonic_us();
        finish(Failure::none);
      } else {
        finish(Failure::closed);
      }
      return;
    }
    if (!parser_.started() && retry_on_fresh_connection()) return;
    error_ = r.error;
    finish(Failure::read);
    return;
  }
}

void Connection::read_while_idle() {
  // The server closed an idle keep-alive connection (or sent bytes nobody asked for): close it
  // now, so the next request opens a fresh one instead of failing on this one.
  const IoResult r = socket_.ops->read(socket_, context_->read_buffer, context_->read_buffer_size);
  if (r.status == Io::want_read || r.status == Io::want_write) return;
  close();
}

bool Connection::retry_on_fresh_connection() {
  if (!reused_ || retried_) return false;
  retried_ = true;
  close();
  written_ = 0;
  bytes_sent_ = 0;
  parser_.reset(head_);
  connect(monotonic_us());
  return true;
}

void Connection::finish(Failure failure) {
  phase_ = Phase::idle;
  timings_.done_us = monotonic_us();
  if (failure != Failure::none || !parser_.keep_alive() || !reusable_) close();
  owner_->on_request_done(*this, failure);
}

void Connection::abort(Failure failure) {
  if (phase_ == Phase::idle) return;
  phase_ = Phase::idle;
  timings_.done_us = monotonic_us();
  close(true);
  owner_->on_request_done(*this, failure);
}

void Connection::close(bool abortive) {
  if (!socket_.open()) return;
  socket_.ops->close(socket_, abortive);  // closing the fd also removes it from epoll
  ++generation_;
  endpoint_id_ = -1;
}

}  // namespace rsolv::loadgen::engine
