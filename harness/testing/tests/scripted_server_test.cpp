// The scripted server driven over raw sockets, so what is checked is the bytes a client receives.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>

#include "rsolv/testing/loopback.hpp"
#include "rsolv/testing/scripted_server.hpp"

namespace rsolv::testing {
namespace {

using namespace std::chrono_literals;

struct Reply {
  int status = 0;
  std::string head;
  std::string body;
};

// A blocking loopback client with a receive timeout, so a broken server fails a test, not hangs it.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(connect_to_loopback(port)) {
    if (fd_ < 0) ADD_FAILURE() << "connect";
    const timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& bytes) { ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size())); }

  // One response framed by its Content-Length (none for a HEAD); nullopt when the connection ended first.
  std::optional<Reply> read_response(bool head_request = false) {
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!receive()) return std::nullopt;
    }
    Reply reply;
    reply.head = buffer_.substr(0, head_end + 2);
    reply.status = std::stoi(reply.head.substr(9, 3));
    std::size_t length = 0;
    const auto at = lower(reply.head).find("content-length:");
    if (at != std::string::npos) length = std::stoul(reply.head.substr(at + 15));
    if (head_request) length = 0;
    while (buffer_.size() < head_end + 4 + length) {
      if (!receive()) return std::nullopt;
    }
    reply.body = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return reply;
  }

  // Everything until the peer closes; `error` is errno when it ended in an error (ECONNRESET).
  std::string read_to_end(int& error) {
    error = 0;
    while (receive(&error)) {
    }
    return std::exchange(buffer_, {});
  }

  static std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

 private:
  bool receive(int* error = nullptr) {
    char chunk[4096];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && error) *error = errno;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string buffer_;
};

std::string get(const std::string& target, const std::string& extra_headers = {}) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

TEST(ScriptedServer, DefaultAnswerIs200WithAnEmptyJsonObject) {
  ScriptedServer server;
  RawConnection connection(server.port());
  connection.send(get("/anything"));
  const auto reply = connection.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "{}");
  EXPECT_NE(RawConnection::lower(reply->head).find("content-type: application/json"), std::string::npos);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(server.port()));
}

TEST(ScriptedServer, FromRequestDecidesEachAnswerFromTheRequest) {
  ScriptedServer server;
  server.set_default(Action::from_request([](const RecordedRequest& request) {
    return request.target == "/missing" ? Action::respond(404, "{}") : Action::respond(200, "you asked for " + request.target);
  }));
  RawConnection connection(server.port());
  connection.send(get("/a?b=1"));
  const auto first = connection.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "you asked for /a?b=1");
  connection.send(get("/missing"));
  const auto second = connection.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 404);
}

TEST(ScriptedServer, QueuedActionsAnswerInOrderThenTheDefault) {
  ScriptedServer server;
  server.enqueue(Action::respond(500, R"({"error":"boom"})"));
  server.enqueue(Action::respond(201, "created", {{"Content-Type", "text/plain"}, {"X-Step", "2"}}));
  server.set_default(Action::respond(204));
  EXPECT_EQ(server.queued_actions(), 2u);
  RawConnection connection(server.port());
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    connection.send(get("/step"));
    const auto reply = connection.read_response();
    ASSERT_TRUE(reply);
    statuses.push_back(reply->status);
    if (i == 1) {
      EXPECT_EQ(reply->body, "created");
      EXPECT_NE(reply->head.find("X-Step: 2\r\n"), std::string::npos) << reply->head;
      EXPECT_NE(reply->head.find("Content-Type: text/plain\r\n"), std::string::npos) << reply->head;
      EXPECT_EQ(RawConnection::lower(reply->head).find("application/json"), std::string::npos) << reply->head;
    }
  }
  EXPECT_EQ(statuses, (std::vector<int>{500, 201, 204}));
  EXPECT_EQ(server.queued_actions(), 0u);
}

TEST(ScriptedServer, RecordsMethodTargetHeadersBodyAndPeer) {
  ScriptedServer server;
  RawConnection connection(server.port());
  connection.send("POST /api/v1/fix-deployments?dry=1 HTTP/1.1\r\nHost: x\r\nX-Api-Key: rsolv_k\r\n"
                  "Content-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"pr\":42}");
  ASSERT_TRUE(connection.read_response());
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/api/v1/fix-deployments?dry=1");
  EXPECT_EQ(requests[0].body, R"({"pr":42})");
  EXPECT_EQ(requests[0].header("x-api-key"), "rsolv_k");
  EXPECT_EQ(requests[0].header("CONTENT-TYPE"), "application/json");
  EXPECT_FALSE(requests[0].header("Authorization"));
  EXPECT_EQ(requests[0].client_ip, "127.0.0.1");
}

TEST(ScriptedServer, KeepAliveAndPipelinedRequestsShareOneConnection) {
  ScriptedServer server;
  server.enqueue(Action::respond(200, "first"));
  server.enqueue(Action::respond(200, "second"));
  server.enqueue(Action::respond(200, "third"));
  RawConnection connection(server.port());
  connection.send(get("/1"));
  EXPECT_EQ(connection.read_response()->body, "first");
  connection.send(get("/2") + "POST /3 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");  // two in one write
  EXPECT_EQ(connection.read_response()->body, "second");
  EXPECT_EQ(connection.read_response()->body, "third");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].target, "/3");
  EXPECT_EQ(requests[2].body, "abc");
}

TEST(ScriptedServer, ConnectionCloseRequestEndsTheConnectionAfterTheAnswer) {
  ScriptedServer server;
  RawConnection connection(server.port());
  connection.send(get("/bye", "Connection: close\r\n"));
  const auto reply = connection.read_response();
  ASSERT_TRUE(reply);
  EXPECT_NE(reply->head.find("Connection: close"), std::string::npos);
  int error = 0;
  EXPECT_EQ(connection.read_to_end(error), "");
  EXPECT_EQ(error, 0) << "a clean FIN, not a timeout";
}

TEST(ScriptedServer, CloseConnectionSendsNoBytesAtAll) {
  ScriptedServer server;
  server.enqueue(Action::close_connection());
  RawConnection connection(server.port());
  connection.send(get("/drop"));
  int error = 0;
  EXPECT_EQ(connection.read_to_end(error), "");
  EXPECT_EQ(error, 0);
  EXPECT_EQ(server.request_count(), 1u) << "the dropped request was still recorded";
}

TEST(ScriptedServer, ResetConnectionSendsARst) {
  ScriptedServer server;
  server.enqueue(Action::reset_connection());
  RawConnection connection(server.port());
  connection.send(get("/reset"));
  int error = 0;
  EXPECT_EQ(connection.read_to_end(error), "");
  EXPECT_EQ(error, ECONNRESET);
}

TEST(ScriptedServer, StalledAnswerArrivesLateButTheRequestIsRecordedAtOnce) {
  ScriptedServer server;
  server.enqueue(Action::respond(202, "late").after(400ms));
  RawConnection connection(server.port());
  const auto started = std::chrono::steady_clock::now();
  connection.send(get("/slow"));
  EXPECT_TRUE(server.wait_for_requests(1, 300ms)) << "recorded before the stall ends";
  const auto reply = connection.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 202);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 400ms);
}

TEST(ScriptedServer, TooManyRequestsCarriesRetryAfterInEitherForm) {
  ScriptedServer server;
  server.enqueue(Action::too_many_requests(7));
  server.enqueue(Action::too_many_requests(3, "Tue, 14 Nov 2023 22:13:23 GMT"));
  RawConnection connection(server.port());
  connection.send(get("/limited"));
  const auto seconds = connection.read_response();
  ASSERT_TRUE(seconds);
  EXPECT_EQ(seconds->status, 429);
  EXPECT_NE(seconds->head.find("Retry-After: 7\r\n"), std::string::npos) << seconds->head;
  EXPECT_NE(seconds->body.find("rate_limited"), std::string::npos);
  connection.send(get("/limited"));
  const auto date = connection.read_response();
  ASSERT_TRUE(date);
  EXPECT_NE(date->head.find("Retry-After: Tue, 14 Nov 2023 22:13:23 GMT\r\n"), std::string::npos) << date->head;
}

TEST(ScriptedServer, TruncatedResponseAnnouncesTheFullLengthButSendsPart) {
  ScriptedServer server;
  server.enqueue(Action::respond(200, "0123456789").truncated(4));
  RawConnection connection(server.port());
  connection.send(get("/partial"));
  int error = 0;
  const auto bytes = connection.read_to_end(error);
  EXPECT_NE(bytes.find("Content-Length: 10\r\n"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.substr(bytes.find("\r\n\r\n") + 4), "0123");
}

TEST(ScriptedServer, ChunkedRequestBodyIsRecordedDecoded) {
  ScriptedServer server;
  RawConnection connection(server.port());
  connection.send("POST /webhook HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n");
  ASSERT_TRUE(connection.read_response());
  connection.send(get("/after"));  // the connection is still in step
  ASSERT_TRUE(connection.read_response());
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, "hello, world");
  EXPECT_EQ(requests[1].target, "/after");
}

TEST(ScriptedServer, HeadResponseHasNoBodySoTheNextResponseStaysFramed) {
  ScriptedServer server;
  server.set_default(Action::respond(200, "body bytes"));
  RawConnection connection(server.port());
  connection.send("HEAD /x HTTP/1.1\r\n\r\n" + get("/y"));
  const auto head = connection.read_response(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_NE(head->head.find("Content-Length: 10"), std::string::npos);
  const auto next = connection.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "body bytes");
}

TEST(ScriptedServer, MalformedRequestClosesOnlyItsConnection) {
  ScriptedServer server;
  {
    RawConnection bad(server.port());
    bad.send("POST /x HTTP/1.1\r\nContent-Length: twelve\r\n\r\n");
    int error = 0;
    EXPECT_EQ(bad.read_to_end(error), "");
  }
  {
    RawConnection garbage(server.port());
    garbage.send("\x16\x03\x01 not http at all\r\n\r\n");
    int error = 0;
    EXPECT_EQ(garbage.read_to_end(error), "");
  }
  RawConnection good(server.port());
  good.send(get("/fine"));
  const auto reply = good.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(server.request_count(), 1u) << "malformed requests are not recorded";
}

TEST(ScriptedServer, ForwardRelaysToTheUpstreamAndBack) {
  ScriptedServer upstream;
  upstream.enqueue(Action::respond(201, R"({"id":"up"})", {{"X-Upstream", "yes"}}));
  ScriptedServer proxy;
  proxy.enqueue(Action::respond(503));
  proxy.set_default(Action::forward_to(upstream.base_url()));
  RawConnection first(proxy.port());
  first.send(get("/api/health"));
  EXPECT_EQ(first.read_response()->status, 503);
  RawConnection second(proxy.port());
  second.send("POST /api/v1/credits HTTP/1.1\r\nX-Api-Key: k1\r\nTransfer-Encoding: chunked\r\n\r\n"
              "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n");
  const auto reply = second.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 201);
  EXPECT_EQ(reply->body, R"({"id":"up"})");
  EXPECT_NE(reply->head.find("X-Upstream: yes"), std::string::npos);
  EXPECT_EQ(proxy.request_count(), 2u);
  const auto relayed = upstream.requests();
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].method, "POST");
  EXPECT_EQ(relayed[0].target, "/api/v1/credits");
  EXPECT_EQ(relayed[0].body, R"({"a":1})");
  EXPECT_EQ(relayed[0].header("x-api-key"), "k1");
  EXPECT_FALSE(relayed[0].header("Transfer-Encoding")) << "re-framed with a Content-Length";
}

TEST(ScriptedServer, ForwardToADeadUpstreamClosesWithoutAnAnswer) {
  int dead_port = 0;
  {
    ScriptedServer gone;
    dead_port = gone.port();
  }
  ScriptedServer proxy;
  proxy.set_default(Action::forward_to("http://127.0.0.1:" + std::to_string(dead_port)));
  RawConnection connection(proxy.port());
  connection.send(get("/x"));
  int error = 0;
  EXPECT_EQ(connection.read_to_end(error), "");
}

TEST(ScriptedServer, DestructorCutsAStallShort) {
  auto server = std::make_unique<ScriptedServer>();
  server->set_default(Action::respond(200).after(30s));
  RawConnection connection(server->port());
  connection.send(get("/forever"));
  ASSERT_TRUE(server->wait_for_requests(1, 2000ms));
  const auto started = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  int error = 0;
  EXPECT_EQ(connection.read_to_end(error), "") << "no answer after the stall was cut";
}

TEST(ScriptedServer, WaitForRequestsGivesUpAfterTheTimeout) {
  ScriptedServer server;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(server.wait_for_requests(1, 150ms));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 2s);
}

}  // namespace
}  // namespace rsolv::testing
