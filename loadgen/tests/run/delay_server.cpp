#include "delay_server.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace rsolv::loadgen::testing {

namespace {

std::int64_t now_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

bool later(const auto& a, const auto& b) { return a.due_us > b.due_us; }

// Microsecond waits (epoll_pwait2), so injected delays are exact to well under a millisecond.
int wait_us(int epoll, epoll_event* events, int capacity, std::int64_t timeout_us) {
  timespec ts{timeout_us / 1'000'000, (timeout_us % 1'000'000) * 1000};
#ifdef SYS_epoll_pwait2
  const int n = static_cast<int>(syscall(SYS_epoll_pwait2, epoll, events, capacity, timeout_us < 0 ? nullptr : &ts,
                                         nullptr, 0));
  if (n >= 0 || errno != ENOSYS) return n;
#endif
  return epoll_wait(epoll, events, capacity, timeout_us < 0 ? -1 : static_cast<int>((timeout_us + 999) / 1000));
}

}  // namespace

DelayServer::DelayServer(Options options)
    : options_(std::move(options)),
      listener_(rsolv::testing::listen_on_loopback({.backlog = 65535, .non_blocking = true})) {
  // A test server for 10,000 connections needs as many descriptors.
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  response_ = "HTTP/1.1 " + std::to_string(options_.status) + " X\r\n";
  for (const auto& [name, value] : options_.headers) response_ += name + ": " + value + "\r\n";
  if (options_.chunked) {
    const auto half = options_.body.size() / 2;
    char size1[32], size2[32];
    snprintf(size1, sizeof size1, "%zx", half);
    snprintf(size2, sizeof size2, "%zx", options_.body.size() - half);
    response_ += "Transfer-Encoding: chunked\r\n\r\n";
    if (half > 0) response_ += std::string(size1) + "\r\n" + options_.body.substr(0, half) + "\r\n";
    response_ += std::string(size2) + ";ext=1\r\n" + options_.body.substr(half) + "\r\n0\r\nX-Trailer: y\r\n\r\n";
  } else {
    response_ += "Content-Length: " + std::to_string(options_.body.size()) + "\r\n\r\n" + options_.body;
  }

  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener_.fd();
  epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_.fd(), &event);
  thread_ = std::thread([this] { loop(); });
}

DelayServer::~DelayServer() {
  stop_ = true;
  thread_.join();
  for (std::size_t fd = 0; fd < clients_.size(); ++fd) {
    if (clients_[fd].open) ::close(static_cast<int>(fd));
  }
  ::close(epoll_);
}

std::string DelayServer::base_url() const { return listener_.url(); }

std::vector<std::int64_t> DelayServer::service_times() const {
  std::lock_guard lock(mutex_);
  return delays_;
}

std::vector<std::string> DelayServer::sample_requests() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

void DelayServer::loop() {
  if (options_.on_thread_start) options_.on_thread_start();
  std::vector<epoll_event> events(1024);
  while (!stop_) {
    const std::int64_t now = now_us();
    while (!pending_.empty() && pending_.front().due_us <= now) {
      std::pop_heap(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) { return later(a, b); });
      const Pending p = pending_.back();
      pending_.pop_back();
      auto& client = clients_[static_cast<std::size_t>(p.fd)];
      if (client.open && client.generation == p.generation) {
        --client.queued;
        respond(p.fd, p.arrived_us);
      }
    }
    std::int64_t timeout = 50'000;  // re-check stop_ now and then
    if (!pending_.empty()) timeout = std::clamp<std::int64_t>(pending_.front().due_us - now, 0, timeout);
    const int n = wait_us(epoll_, events.data(), static_cast<int>(events.size()), timeout);
    for (int i = 0; i < n; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == listener_.fd()) {
        for (;;) {
          const int client = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (client < 0) break;
          const int one = 1;
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          if (clients_.size() <= static_cast<std::size_t>(client)) clients_.resize(static_cast<std::size_t>(client) + 1024);
          auto& c = clients_[static_cast<std::size_t>(client)];
          c.open = true;
          c.in.clear();
          c.queued = 0;
          ++c.generation;
          epoll_event event{};
          event.events = EPOLLIN | EPOLLRDHUP;
          event.data.fd = client;
          epoll_ctl(epoll_, EPOLL_CTL_ADD, client, &event);
          ++connections_;
          if (connections_ > peak_connections_.load()) peak_connections_.store(connections_);
        }
        continue;
      }
      on_readable(fd);
    }
  }
}

void DelayServer::on_readable(int fd) {
  auto& client = clients_[static_cast<std::size_t>(fd)];
  if (!client.open) return;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      client.in.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      close_client(fd);
      return;
    }
    if (errno == EINTR) continue;
    break;
  }
  // Frame requests: head, then a Content-Length body if any.
  for (;;) {
    const auto end = client.in.find("\r\n\r\n");
    if (end == std::string::npos) return;
    std::size_t body = 0;
    std::string head_lower = client.in.substr(0, end);
    std::transform(head_lower.begin(), head_lower.end(), head_lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (const auto cl = head_lower.find("\r\ncontent-length:"); cl != std::string::npos) {
      body = std::stoul(head_lower.substr(cl + 17));
    }
    if (client.in.size() < end + 4 + body) return;
    const std::int64_t arrived = now_us();
    const std::uint64_t n = requests_.fetch_add(1);
    const auto delay = options_.delay ? options_.delay(n) : std::chrono::microseconds{0};
    {
      std::lock_guard lock(mutex_);
      if (samples_.size() < options_.max_samples) samples_.push_back(client.in.substr(0, end + 4 + body));
    }
    client.in.erase(0, end + 4 + body);
    if (options_.stall_after_requests != 0 && !stalled_ && n + 1 >= options_.stall_after_requests) {
      stalled_ = true;
      std::this_thread::sleep_for(options_.stall_for);  // the whole server freezes
    }
    if (delay.count() <= 0 && client.queued == 0) {
      respond(fd, arrived);
    } else {
      ++client.queued;
      pending_.push_back({arrived + delay.count(), arrived, fd, client.generation});
      std::push_heap(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) { return later(a, b); });
    }
    if (!clients_[static_cast<std::size_t>(fd)].open) return;
  }
}

void DelayServer::respond(int fd, std::int64_t arrived_us) {
  {
    std::lock_guard lock(mutex_);
    delays_.push_back(now_us() - arrived_us);
  }
  std::size_t sent = 0;
  while (sent < response_.size()) {
    const ssize_t n = ::send(fd, response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));  // tiny responses: rare
      continue;
    }
    close_client(fd);
    return;
  }
}

void DelayServer::close_client(int fd) {
  auto& client = clients_[static_cast<std::size_t>(fd)];
  if (!client.open) return;
  client.open = false;
  ++client.generation;
  epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  --connections_;
}

}  // namespace rsolv::loadgen::testing
