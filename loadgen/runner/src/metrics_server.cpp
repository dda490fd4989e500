#include "rsolv/loadgen/runner/metrics_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen {

namespace {

constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

MetricsServer::MetricsServer(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    throw UsageError("--metrics-listen '" + listen + "': expected HOST:PORT, e.g. 127.0.0.1:9464");
  }
  host_ = listen.substr(0, colon);
  if (host_.empty() || host_ == "localhost") host_ = "127.0.0.1";
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) throw UsageError("--metrics-listen '" + listen + "': the port must be 0 to 65535");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host_.c_str(), &address.sin_addr) != 1) {
    throw UsageError("--metrics-listen '" + listen + "': give an IPv4 address such as 127.0.0.1 or 0.0.0.0");
  }
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listener_);
    throw UsageError("--metrics-listen '" + listen + "': cannot listen: " + why + " (pick another port)");
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  text_ = "# no samples yet\n";
  thread_ = std::thread([this] { serve(); });
}

MetricsServer::~MetricsServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listener_);
}

std::string MetricsServer::address() const { return host_ + ":" + std::to_string(port_); }

void MetricsServer::publish(std::string text) {
  std::lock_guard lock(mutex_);
  text_ = std::move(text);
}

void MetricsServer::serve() {
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    // One scrape per connection: read the request head (bounded wait), answer, close.
    char buffer[4096];
    std::string head;
    for (int i = 0; i < 20 && head.find("\r\n\r\n") == std::string::npos && head.size() < 65536; ++i) {
      pollfd c{fd, POLLIN, 0};
      if (::poll(&c, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      head.append(buffer, static_cast<std::size_t>(n));
    }
    std::string body;
    {
      std::lock_guard lock(mutex_);
      body = text_;
    }
    const bool head_only = head.rfind("HEAD ", 0) == 0;
    std::string response = "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(kContentType) +
                           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    if (!head_only) response += body;
    send_all(fd, response);
    ::close(fd);
  }
}

}  // namespace rsolv::loadgen
