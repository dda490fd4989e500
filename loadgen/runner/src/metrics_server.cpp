#include "rsolv/loadgen/runner/metrics_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <vector>
#include <cstring>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::runner {

namespace {

constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::size_t kMaxClients = 64;       // connections served at once
constexpr std::size_t kMaxHead = 64 * 1024;   // request head bytes; a longer one is dropped
constexpr auto kClientDeadline = std::chrono::seconds(2);  // to send the head

// Gives up at `deadline`: a client that reads slowly cannot hold the serving thread.
void send_all(int fd, const std::string& data, std::chrono::steady_clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < data.size() && std::chrono::steady_clock::now() < deadline) {
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
  // Scrapes are served side by side: a client that is slow to send its request head (or sends none)
  // holds one slot for at most kClientDeadline, and when every slot is taken the oldest client makes
  // room for the new one, so no number of idle or dripping connections can keep Prometheus out.
  struct Client {
    int fd = -1;
    std::string head;
    std::chrono::steady_clock::time_point deadline;
  };
  std::vector<Client> clients;
  std::vector<pollfd> polled;
  const auto drop = [&](std::size_t i) {
    ::close(clients[i].fd);
    clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i));
  };
  while (!stop_) {
    polled.assign(1, pollfd{listener_, POLLIN, 0});
    for (const auto& client : clients) polled.push_back(pollfd{client.fd, POLLIN, 0});
    if (::poll(polled.data(), polled.size(), 100) < 0) continue;
    const auto now = std::chrono::steady_clock::now();
    // Backwards: dropping a client shifts only those already visited.
    for (std::size_t i = clients.size(); i-- > 0;) {
      if (now >= clients[i].deadline) {
        drop(i);
        continue;
      }
      if (polled[i + 1].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(clients[i].fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n <= 0 || clients[i].head.size() + static_cast<std::size_t>(n) > kMaxHead) {
        drop(i);
        continue;
      }
      clients[i].head.append(buffer, static_cast<std::size_t>(n));
      if (clients[i].head.find("\r\n\r\n") == std::string::npos) continue;
      std::string body;
      {
        std::lock_guard lock(mutex_);
        body = text_;
      }
      const bool head_only = clients[i].head.rfind("HEAD ", 0) == 0;
      std::string response = "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(kContentType) +
                             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
      if (!head_only) response += body;
      send_all(clients[i].fd, response, now + kClientDeadline);
      drop(i);
    }
    if ((polled[0].revents & POLLIN) != 0) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        if (clients.size() >= kMaxClients) drop(0);  // the oldest
        // A scrape answer is a few KiB: bounded waits while it is written.
        const timeval send_timeout{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
        clients.push_back(Client{fd, {}, now + kClientDeadline});
      }
    }
  }
  for (const auto& client : clients) ::close(client.fd);
}

}  // namespace rsolv::loadgen::runner
