#include "rsolv/testing/loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace rsolv::testing {

namespace {

// The loopback address with `port` (0: the kernel picks at bind).
sockaddr_storage loopback_address(bool ipv6, int port, socklen_t& length) {
  sockaddr_storage storage{};
  if (ipv6) {
    auto& address = reinterpret_cast<sockaddr_in6&>(storage);
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    address.sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof address;
  } else {
    auto& address = reinterpret_cast<sockaddr_in&>(storage);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof address;
  }
  return storage;
}

LoopbackPort bind_loopback(bool ipv6, bool non_blocking, const int* backlog) {
  const int type = SOCK_STREAM | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0);
  const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, type, 0);
  socklen_t length = 0;
  auto storage = loopback_address(ipv6, 0, length);
  auto* address = reinterpret_cast<sockaddr*>(&storage);
  if (fd < 0 || ::bind(fd, address, length) != 0 || (backlog && ::listen(fd, *backlog) != 0) ||
      ::getsockname(fd, address, &length) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(std::string("cannot ") + (backlog ? "listen" : "bind") + " on " +
                             (ipv6 ? "[::1]" : "127.0.0.1") + ":0: " + reason);
  }
  const int port = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6&>(storage).sin6_port
                              : reinterpret_cast<sockaddr_in&>(storage).sin_port);
  return LoopbackPort(fd, port, ipv6);
}

}  // namespace

LoopbackPort::LoopbackPort(LoopbackPort&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), port_(other.port_), ipv6_(other.ipv6_) {}

LoopbackPort& LoopbackPort::operator=(LoopbackPort&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    port_ = other.port_;
    ipv6_ = other.ipv6_;
  }
  return *this;
}

LoopbackPort::~LoopbackPort() { close(); }

std::string LoopbackPort::url(const std::string& scheme) const {
  return scheme + "://" + (ipv6_ ? "[::1]" : "127.0.0.1") + ":" + std::to_string(port_);
}

void LoopbackPort::shutdown() const {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void LoopbackPort::close() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

LoopbackPort listen_on_loopback(const LoopbackOptions& options) {
  return bind_loopback(options.ipv6, options.non_blocking, &options.backlog);
}

LoopbackPort reserve_loopback_port(bool ipv6) { return bind_loopback(ipv6, false, nullptr); }

int connect_to_loopback(int port, bool ipv6) {
  const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  socklen_t length = 0;
  const auto storage = loopback_address(ipv6, port, length);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&storage), length) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

}  // namespace rsolv::testing
