#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "rsolv/loadgen/engine/socket.hpp"

namespace rsolv::loadgen::engine {

namespace {

Io plain_handshake(Socket&) { return Io::ok; }

IoResult plain_read(Socket& s, char* buffer, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(s.fd, buffer, size);
    if (n > 0) return {Io::ok, static_cast<std::size_t>(n), 0};
    if (n == 0) return {Io::eof, 0, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::want_read, 0, 0};
    return {Io::error, 0, errno};
  }
}

IoResult plain_write(Socket& s, const char* data, std::size_t size) {
  for (;;) {
    // MSG_NOSIGNAL: a peer that closed must not kill the process with SIGPIPE.
    const ssize_t n = ::send(s.fd, data, size, MSG_NOSIGNAL);
    if (n >= 0) return {Io::ok, static_cast<std::size_t>(n), 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::want_write, 0, 0};
    return {Io::error, 0, errno};
  }
}

std::size_t plain_pending(Socket&) { return 0; }

void plain_close(Socket& s, bool abortive) {
  if (s.fd < 0) return;
  if (abortive) {
    linger option{1, 0};
    ::setsockopt(s.fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
  }
  ::close(s.fd);
  s.fd = -1;
}

}  // namespace

const SocketOps kPlainSocket{plain_handshake, plain_read, plain_write, plain_pending, plain_close};

int start_connect(const Address& address, int& error) {
  const int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    error = errno;
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0 && errno != EINPROGRESS) {
    error = errno;
    ::close(fd);
    return -1;
  }
  error = 0;
  return fd;
}

int connect_result(int fd) {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

long raise_fd_limit(long wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  if (limit.rlim_cur != RLIM_INFINITY && static_cast<long>(limit.rlim_cur) < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? static_cast<rlim_t>(wanted)
                                                     : std::min<rlim_t>(limit.rlim_max, static_cast<rlim_t>(wanted));
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur == RLIM_INFINITY ? wanted : static_cast<long>(limit.rlim_cur);
}

}  // namespace rsolv::loadgen::engine
