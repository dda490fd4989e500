// The wire contract both transports keep (see HttpClient in client_test.cpp for the retry
// contract): answers framed by chunks or Content-Length, header names as received, one kept-alive
// connection, transparent reconnects after an idle close, IPv6 literals, and clear errors.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/scripted_server.hpp"
#include "test_servers.hpp"

namespace rsolv::http {
namespace {

using namespace test;
using namespace std::chrono_literals;
using testing::ScriptedServer;

constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// Answers every request on a connection with `answer`, keep-alive.
LoopbackListener::Handler answer_each(std::string answer) {
  return [answer](int fd) {
    std::string pending;
    while (read_head(fd, pending)) {
      if (!send_all(fd, answer)) return;
    }
  };
}

class Transport : public ::testing::TestWithParam<std::string> {
 protected:
  Client make(int retries = 0) {
    ClientOptions options;
    options.retry.max_retries = retries;
    options.attempt_timeout = 2000ms;
    return make_client(GetParam(), options, clock_, Random(1));
  }
  std::string expect_failure(Client& client, const std::string& url) {
    try {
      client.send({"GET", url});
    } catch (const TransportError& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
      return message;
    }
    ADD_FAILURE() << "expected a TransportError for " << url;
    return {};
  }
  bool lean() const { return GetParam() == "lean"; }
  ManualClock clock_;
};

TEST_P(Transport, ChunkedAnswerIsReassembledAndHeaderNamesKeepTheirSpelling) {
  LoopbackListener server(answer_each(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-RateLimit-Remaining: 9\r\nx-lower: a\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto client = make();
  const auto response = client.send({"GET", server.base_url() + "/chunked"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello world");
  std::vector<std::string> names;
  for (const auto& [name, value] : response.headers) names.push_back(name);
  EXPECT_NE(std::find(names.begin(), names.end(), "X-RateLimit-Remaining"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "x-lower"), names.end());
  // The chunked connection stays usable.
  EXPECT_EQ(client.send({"GET", server.base_url() + "/again"}).body, "hello world");
  EXPECT_EQ(server.connections(), 1);
}

TEST_P(Transport, SendsHostUserAgentAndNoExpect) {
  ScriptedServer server;
  ClientOptions options;
  options.user_agent = "rsolv-test/1";
  auto client = make_client(GetParam(), options, clock_, Random(1));
  client.send({"POST", server.base_url() + "/x?y=1#fragment", {{"Content-Type", "application/json"}}, std::string(4096, 'b')});
  const auto request = server.requests().at(0);
  EXPECT_EQ(request.target, "/x?y=1");
  EXPECT_EQ(request.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(request.header("User-Agent"), "rsolv-test/1");
  EXPECT_EQ(request.header("Content-Length"), "4096");
  EXPECT_FALSE(request.header("Expect"));
}

TEST_P(Transport, EmptyPostSaysContentLengthZero) {
  ScriptedServer server;
  auto client = make();
  client.send({"POST", server.base_url() + "/empty"});
  EXPECT_EQ(server.requests().at(0).header("Content-Length"), "0");
}

TEST_P(Transport, KeptAliveConnectionServesEveryCall) {
  LoopbackListener server(answer_each(std::string(kOk)));
  auto client = make();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.send({"GET", server.base_url() + "/ping"}).body, "ok");
  EXPECT_EQ(server.connections(), 1);
}

TEST_P(Transport, ServerClosingIdleConnectionsIsReconnectedWithinTheSameAttempt) {
  // Answers one request, then closes the idle connection, as servers with a short keep-alive do.
  std::atomic<int> closed{0};
  LoopbackListener server([&closed](int fd) {
    std::string pending;
    if (read_head(fd, pending)) send_all(fd, kOk);
    ::shutdown(fd, SHUT_RDWR);
    ++closed;
  });
  auto client = make();
  EXPECT_EQ(client.send({"GET", server.base_url() + "/a"}).status, 200);
  // The second request goes out once the server has closed the first connection (bounded wait).
  for (int i = 0; i < 1000 && closed.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(closed.load(), 1);
  const auto second = client.send({"GET", server.base_url() + "/b"});
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.attempts, 1) << "a stale connection is not a failed attempt";
  EXPECT_EQ(server.connections(), 2);
}

TEST_P(Transport, ConnectionClosedAfterTheAnswerIsNotReused) {
  LoopbackListener server(answer_each("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));
  auto client = make();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.send({"GET", server.base_url() + "/c"}).attempts, 1);
  EXPECT_EQ(server.connections(), 3);
}

TEST_P(Transport, AnswerWithoutLengthEndsAtClose) {
  LoopbackListener server([](int fd) {
    std::string pending;
    if (read_head(fd, pending)) send_all(fd, "HTTP/1.1 200 OK\r\n\r\nuntil the end");
  });
  auto client = make();
  EXPECT_EQ(client.send({"GET", server.base_url() + "/eof"}).body, "until the end");
}

TEST_P(Transport, Ipv6LiteralUrl) {
  std::unique_ptr<LoopbackListener> server;
  try {
    server = std::make_unique<LoopbackListener>(answer_each(std::string(kOk)), true);
  } catch (const std::exception&) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  auto client = make();
  EXPECT_EQ(client.send({"GET", "http://[::1]:" + std::to_string(server->port()) + "/six"}).body, "ok");
}

TEST_P(Transport, RefusedConnectionNamesTheAddress) {
  const int port = process::find_free_port();
  auto client = make();
  const auto message = expect_failure(client, "http://127.0.0.1:" + std::to_string(port) + "/");
  if (lean()) {
    EXPECT_NE(message.find("connect to 127.0.0.1:" + std::to_string(port) + " failed: Connection refused"), std::string::npos)
        << message;
  }
}

TEST_P(Transport, StalledAnswerTimesOutWithinTheAttemptTimeout) {
  ScriptedServer server;
  server.set_default(testing::Action::respond(200).after(10000ms));  // the destructor cuts it short
  ClientOptions options;
  options.retry.max_retries = 0;
  options.attempt_timeout = 300ms;
  auto client = make_client(GetParam(), options, clock_, Random(1));
  const auto started = std::chrono::steady_clock::now();
  const auto message = expect_failure(client, server.base_url() + "/stall");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3000ms);  // 10x the timeout for a loaded machine; the answer would take 10 s
  if (lean()) {
    EXPECT_NE(message.find("timed out after 300 ms waiting for the response"), std::string::npos) << message;
  }
}

TEST_P(Transport, OnlyHttpAndHttpsAreSpoken) {
  auto client = make();
  const auto message = expect_failure(client, "ftp://127.0.0.1/file");
  EXPECT_NE(message.find("nsupported"), std::string::npos) << message;
  if (lean()) {
    EXPECT_NE(message.find("use http or https"), std::string::npos) << message;
  }
}

TEST_P(Transport, OversizedAnswerIsRefused) {
  // Declares 100 MiB; the lean transport stops at its 64 MiB cap without reading it.
  LoopbackListener server(answer_each("HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\nxx"));
  if (!lean()) GTEST_SKIP() << "libcurl has no body cap here";
  auto client = make();
  const auto message = expect_failure(client, server.base_url() + "/huge");
  EXPECT_NE(message.find("64 MiB"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Transports, Transport, kTransports, transport_name);

}  // namespace
}  // namespace rsolv::http
