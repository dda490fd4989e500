// listen_on_loopback and friends against the kernel: a client reaches the port reported, bytes
// pass, a reserved port refuses, a closed one no longer answers.
#include "rsolv/testing/loopback.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace rsolv::testing {
namespace {

// Accepts one connection on `listener` (waits up to 5 s), sends `reply` and reads what the client sent.
std::string accept_and_answer(const LoopbackPort& listener, const std::string& reply) {
  pollfd ready{listener.fd(), POLLIN, 0};
  if (::poll(&ready, 1, 5000) != 1) return "<no connection>";
  const int fd = ::accept(listener.fd(), nullptr, nullptr);
  if (fd < 0) return "<accept failed>";
  (void)::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  char buffer[64];
  const auto got = ::recv(fd, buffer, sizeof buffer, 0);
  ::close(fd);
  return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : "";
}

std::string exchange(const LoopbackPort& listener, bool ipv6) {
  const int client = connect_to_loopback(listener.port(), ipv6);
  if (client < 0) return "<connect failed>";
  (void)::send(client, "ping", 4, MSG_NOSIGNAL);
  const auto seen_by_server = accept_and_answer(listener, "pong");
  char buffer[8];
  const auto got = ::recv(client, buffer, sizeof buffer, 0);
  ::close(client);
  return seen_by_server + "/" + (got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : "");
}

TEST(LoopbackPort, AClientConnectsToTheReportedPortAndBytesPassBothWays) {
  const auto listener = listen_on_loopback();
  EXPECT_GT(listener.port(), 0);
  EXPECT_EQ(listener.url(), "http://127.0.0.1:" + std::to_string(listener.port()));
  EXPECT_EQ(exchange(listener, false), "ping/pong");
}

TEST(LoopbackPort, EveryListenerGetsItsOwnPort) {
  const auto a = listen_on_loopback();
  const auto b = listen_on_loopback({.backlog = 4});
  EXPECT_NE(a.port(), b.port());
  EXPECT_EQ(exchange(b, false), "ping/pong");
}

TEST(LoopbackPort, Ipv6ListensOnTheIpv6Loopback) {
  LoopbackOptions options;
  options.ipv6 = true;
  std::optional<LoopbackPort> listener;
  try {
    listener.emplace(listen_on_loopback(options));
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no ::1 on this machine: " << e.what();
  }
  EXPECT_EQ(listener->url("https"), "https://[::1]:" + std::to_string(listener->port()));
  EXPECT_EQ(exchange(*listener, true), "ping/pong");
  EXPECT_EQ(connect_to_loopback(listener->port(), false), -1) << "not on 127.0.0.1";
}

TEST(LoopbackPort, ANonBlockingListenerReturnsAtOnceWhenNoOneConnects) {
  const auto listener = listen_on_loopback({.non_blocking = true});
  EXPECT_NE(::fcntl(listener.fd(), F_GETFL) & O_NONBLOCK, 0);
  errno = 0;
  EXPECT_EQ(::accept(listener.fd(), nullptr, nullptr), -1);
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << errno;
}

TEST(LoopbackPort, AReservedPortRefusesConnections) {
  const auto reserved = reserve_loopback_port();
  EXPECT_GT(reserved.port(), 0);
  errno = 0;
  EXPECT_EQ(connect_to_loopback(reserved.port()), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
}

TEST(LoopbackPort, TheSocketClosesWithItsLastOwner) {
  auto first = listen_on_loopback();
  const int port = first.port();
  LoopbackPort moved = std::move(first);
  EXPECT_EQ(first.fd(), -1);
  EXPECT_EQ(exchange(moved, false), "ping/pong") << "the move kept the socket open";
  moved.close();
  EXPECT_EQ(moved.fd(), -1);
  EXPECT_EQ(connect_to_loopback(port), -1) << "nothing listens once closed";
}

TEST(LoopbackPort, ShutdownWakesAThreadWaitingToAccept) {
  const auto listener = listen_on_loopback();
  const auto start = std::chrono::steady_clock::now();
  int accepted = 0;
  std::thread waiter([&] {
    pollfd ready{listener.fd(), POLLIN, 0};
    (void)::poll(&ready, 1, 5000);  // bounded: the test fails rather than hangs
    accepted = ::accept(listener.fd(), nullptr, nullptr);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  listener.shutdown();
  waiter.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(accepted, -1) << "no connection came";
}

}  // namespace
}  // namespace rsolv::testing
