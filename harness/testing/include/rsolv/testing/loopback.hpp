#pragma once
// A TCP socket on a free loopback port the kernel picks, for test servers and proxies: one place
// for the socket/bind/listen/getsockname dance every loopback test helper needs.
//
//   auto listener = rsolv::testing::listen_on_loopback();          // 127.0.0.1, backlog 128
//   ... accept(listener.fd(), ...) ... client: connect_to_loopback(listener.port()) ...
//   auto taken = rsolv::testing::reserve_loopback_port();           // bound, never listening:
//   ... a connect to taken.port() is refused (ECONNREFUSED), and no other process takes the port
#include <string>

namespace rsolv::testing {

struct LoopbackOptions {
  int backlog = 128;          // listen(2)'s queue of connections not yet accepted
  bool ipv6 = false;          // ::1 instead of 127.0.0.1
  bool non_blocking = false;  // SOCK_NONBLOCK, for servers on an event loop
};

// Owns the socket (closed with the object; move-only).
class LoopbackPort {
 public:
  LoopbackPort(int fd, int port, bool ipv6) : fd_(fd), port_(port), ipv6_(ipv6) {}
  LoopbackPort(LoopbackPort&& other) noexcept;
  LoopbackPort& operator=(LoopbackPort&& other) noexcept;
  LoopbackPort(const LoopbackPort&) = delete;
  LoopbackPort& operator=(const LoopbackPort&) = delete;
  ~LoopbackPort();

  int fd() const { return fd_; }
  int port() const { return port_; }
  std::string host() const { return ipv6_ ? "::1" : "127.0.0.1"; }
  // "http://127.0.0.1:PORT" ("http://[::1]:PORT" for ipv6).
  std::string url(const std::string& scheme = "http") const;
  // shutdown(2) both ways: a thread blocked in accept() on fd() returns; the fd stays open.
  void shutdown() const;
  // Closes now (the destructor then does nothing).
  void close();

 private:
  int fd_ = -1;
  int port_ = 0;
  bool ipv6_ = false;
};

// Listening once returned. Throws std::runtime_error naming the address and the errno text.
LoopbackPort listen_on_loopback(const LoopbackOptions& options = {});
// Bound but not listening: connects to it are refused while it lives.
LoopbackPort reserve_loopback_port(bool ipv6 = false);
// A blocking client socket connected to 127.0.0.1:port (or ::1), the caller's to close; -1 when
// the connect fails.
int connect_to_loopback(int port, bool ipv6 = false);

}  // namespace rsolv::testing
