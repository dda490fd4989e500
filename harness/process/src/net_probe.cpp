#include "net_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "rsolv/process/server.hpp"

namespace rsolv::process {

namespace {
int connect_loopback(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &address.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}
}  // namespace

int find_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(std::string("cannot create a socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    ::close(fd);
    throw Error(std::string("cannot find a free loopback port: ") + std::strerror(error));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

namespace detail {

bool tcp_connects(const std::string& host, int port) {
  const int fd = connect_loopback(host, port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

int http_get_status(const std::string& host, int port, const std::string& path, std::chrono::milliseconds timeout) {
  const int fd = connect_loopback(host, port);
  if (fd < 0) return 0;
  const auto request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
                       "\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return 0;
  }
  std::string head;
  char buffer[512];
  pollfd poller{fd, POLLIN, 0};
  while (head.find("\r\n") == std::string::npos && ::poll(&poller, 1, static_cast<int>(timeout.count())) > 0) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    head.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  // "HTTP/1.1 200 OK"
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) return 0;
  return std::atoi(head.substr(9, 3).c_str());
}

}  // namespace detail
}  // namespace rsolv::process
