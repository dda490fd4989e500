// One Connection against real servers on loopback: keep-alive reuse, chunked framing, refused
// connects, servers that drop or truncate, and abort (what a request timeout does).
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "delay_server.hpp"
#include "rsolv/loadgen/engine/connection.hpp"
#include "rsolv/loadgen/engine/event_loop.hpp"
#include "rsolv/loadgen/engine/tls.hpp"
#include "rsolv/process/server.hpp"
#include "rsolv/testing/scripted_server.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::loadgen::engine {
namespace {

using namespace std::chrono_literals;
using testing::DelayServer;

struct Owner final : ConnectionOwner {
  int calls = 0;
  int pauses = 0;
  bool paused = false;
  Failure last = Failure::none;
  void on_request_done(Connection&, Failure failure) override {
    ++calls;
    last = failure;
  }
  void on_read_paused(Connection&) override {
    ++pauses;
    paused = true;
  }
};

struct Collect final : ResponseSink {
  std::string body;
  void on_header(std::string_view, std::string_view) override {}
  void on_body(std::string_view bytes) override { body.append(bytes); }
};

class Client {
 public:
  explicit Client(int port, const std::string& host = "127.0.0.1") : buffer_(64 * 1024) {
    origin_ = parse_url("http://" + host + ":" + std::to_string(port)).origin;
    address_ = resolve(origin_);
    context_.loop = &loop_;
    context_.read_buffer = buffer_.data();
    context_.read_buffer_size = buffer_.size();
    connection_.bind(&context_, &owner_, 7);
  }

  // Starts a request and runs the loop until the connection reports it done (or 5 s pass).
  Failure send(const std::string& request, ResponseSink* sink = nullptr, bool head = false) {
    request_ = request;
    const int before = owner_.calls;
    connection_.start(Endpoint{0, &origin_, &address_}, request_.data(), request_.size(), head, sink, monotonic_us());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (owner_.calls == before && std::chrono::steady_clock::now() < deadline) poll(50'000);
    EXPECT_EQ(owner_.calls, before + 1) << "the request never ended";
    return owner_.last;
  }

  void poll(std::int64_t timeout_us) {
    std::array<epoll_event, 16> events{};
    for (const auto& event : loop_.wait(events, owner_.paused ? 0 : timeout_us)) {
      EXPECT_EQ(event.data.u64 >> 32, 7u);  // the tag given to bind()
      connection_.on_event(event.events, static_cast<std::uint32_t>(event.data.u64));
    }
    if (owner_.paused) {
      owner_.paused = false;
      connection_.resume();
    }
  }

  Connection& connection() { return connection_; }
  Owner& owner() { return owner_; }

 private:
  EventLoop loop_;
  std::vector<char> buffer_;
  ConnectionContext context_;
  Owner owner_;
  Origin origin_;
  Address address_;
  std::string request_;
  Connection connection_;
};

const std::string kGet = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

TEST(Connection, KeepAliveReusesOneConnectionAndFramesChunkedBodies) {
  DelayServer::Options options;
  options.chunked = true;
  options.body = "a chunked body";
  DelayServer server(options);
  Client client(server.port());
  Collect first;
  ASSERT_EQ(client.send(kGet, &first), Failure::none);
  EXPECT_EQ(client.connection().response().status_code(), 200);
  EXPECT_EQ(first.body, "a chunked body");
  EXPECT_FALSE(client.connection().reused());
  const auto& t = client.connection().timings();
  EXPECT_GT(t.connect_start_us, 0);
  EXPECT_GE(t.connected_us, t.connect_start_us);
  EXPECT_GE(t.first_byte_us, t.sent_us);
  EXPECT_GE(t.done_us, t.first_byte_us);
  EXPECT_EQ(client.connection().bytes_sent(), static_cast<std::int64_t>(kGet.size()));
  for (int i = 0; i < 5; ++i) {
    Collect again;
    ASSERT_EQ(client.send(kGet, &again), Failure::none);
    EXPECT_TRUE(client.connection().reused());
    EXPECT_EQ(client.connection().timings().connect_start_us, 0);
    EXPECT_EQ(again.body, "a chunked body");
  }
  EXPECT_EQ(server.requests(), 6u);
  EXPECT_EQ(server.peak_connections(), 1u);
}

TEST(Connection, ARefusedConnectIsAConnectFailureWithItsErrno) {
  const int port = process::find_free_port();  // nothing listens there
  Client client(port);
  EXPECT_EQ(client.send(kGet), Failure::connect);
  EXPECT_EQ(client.connection().error_code(), ECONNREFUSED);
  EXPECT_FALSE(client.connection().is_open());
}

TEST(Connection, AReusedConnectionTheServerDroppedIsRetriedOnceOnAFreshOne) {
  rsolv::testing::ScriptedServer server;
  server.enqueue(rsolv::testing::Action::respond(200, "first"));
  server.enqueue(rsolv::testing::Action::close_connection());  // the keep-alive connection dies
  Client client(server.port());
  ASSERT_EQ(client.send(kGet), Failure::none);
  ASSERT_EQ(client.send(kGet), Failure::none);  // resent on a new connection, answered by default
  EXPECT_EQ(client.connection().response().status_code(), 200);
  EXPECT_FALSE(client.connection().reused());
  EXPECT_EQ(server.request_count(), 3u);
}

TEST(Connection, ADropOnAFreshConnectionIsReportedNotRetried) {
  rsolv::testing::ScriptedServer server;
  server.enqueue(rsolv::testing::Action::close_connection());
  Client client(server.port());
  EXPECT_EQ(client.send(kGet), Failure::closed);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(Connection, ATruncatedBodyIsAFailureAndTheConnectionIsNotReused) {
  rsolv::testing::ScriptedServer server;
  server.enqueue(rsolv::testing::Action::respond(200, "0123456789").truncated(4));
  Client client(server.port());
  EXPECT_EQ(client.send(kGet), Failure::closed);
  EXPECT_FALSE(client.connection().is_open());
  ASSERT_EQ(client.send(kGet), Failure::none);  // the next request opens a new connection
  EXPECT_FALSE(client.connection().reused());
}

TEST(Connection, AbortEndsARequestThatNeverAnswers) {
  DelayServer::Options options;
  options.delay = [](std::uint64_t) { return std::chrono::microseconds(10s); };
  DelayServer server(options);
  Client client(server.port());
  std::string request = kGet;
  Endpoint unused{};
  (void)unused;
  const int before = client.owner().calls;
  // Start without waiting for the end, then abort as the runner's timeout sweep does.
  Origin origin = parse_url(server.base_url()).origin;
  Address address = resolve(origin);
  client.connection().start(Endpoint{0, &origin, &address}, request.data(), request.size(), false, nullptr,
                            monotonic_us());
  for (int i = 0; i < 5; ++i) client.poll(10'000);
  EXPECT_TRUE(client.connection().busy());
  client.connection().abort(Failure::timeout);
  EXPECT_EQ(client.owner().calls, before + 1);
  EXPECT_EQ(client.owner().last, Failure::timeout);
  EXPECT_FALSE(client.connection().is_open());
  EXPECT_FALSE(client.connection().busy());
}

TEST(Connection, AnHttp10ResponseClosesTheConnectionAfterIt) {
  rsolv::testing::ScriptedServer server;
  server.enqueue(rsolv::testing::Action::respond(200, "x", {{"Connection", "close"}}));
  Client client(server.port());
  ASSERT_EQ(client.send(kGet), Failure::none);
  EXPECT_FALSE(client.connection().is_open());
  ASSERT_EQ(client.send(kGet), Failure::none);
  EXPECT_FALSE(client.connection().reused());
}

}  // namespace
}  // namespace rsolv::loadgen::engine

namespace rsolv::loadgen::engine {
namespace {

// A real TLS server: `openssl s_server -WWW` with a throw-away certificate for 127.0.0.1.
class TlsServer {
 public:
  TlsServer() {
    dir_.write("index.html", "hello over tls");
    const auto made = process::run("openssl", {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                               "-nodes", "-keyout", dir_.file("key.pem"), "-out", dir_.file("cert.pem"), "-days",
                                               "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    if (made.exit_code != 0) throw std::runtime_error("openssl req failed: " + made.err);
    port_ = process::find_free_port();
    process::ServerOptions options;
    options.executable = "openssl";
    options.args = {"s_server", "-quiet", "-accept", "127.0.0.1:" + std::to_string(port_), "-cert", dir_.file("cert.pem"),
                    "-key", dir_.file("key.pem"), "-WWW"};
    options.ready_by = process::ReadyBy::tcp_connect;
    options.port = port_;
    // -WWW serves files relative to its working directory.
    options.args.insert(options.args.begin(), {"-c", "cd " + dir_.path().string() + " && exec openssl \"$@\"", "openssl"});
    options.executable = "/bin/sh";
    server_ = std::make_unique<process::ServerProcess>(process::ServerProcess::start(options));
  }
  int port() const { return port_; }
  std::string ca_file() const { return dir_.file("cert.pem"); }

 private:
  rsolv::testing::TempDir dir_{"lgcore-tls"};  // declared first: removed after the server stops
  int port_ = 0;
  std::unique_ptr<process::ServerProcess> server_;
};

struct TlsClient {
  explicit TlsClient(int port, const TlsContext& tls) : buffer(64 * 1024) {
    origin = parse_url("https://127.0.0.1:" + std::to_string(port)).origin;
    address = resolve(origin);
    context.loop = &loop;
    context.read_buffer = buffer.data();
    context.read_buffer_size = buffer.size();
    context.tls = &tls;
    connection.bind(&context, &owner, 3);
  }
  Failure send(const std::string& request, ResponseSink* sink) {
    const int before = owner.calls;
    connection.start(Endpoint{0, &origin, &address}, request.data(), request.size(), false, sink, monotonic_us());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    std::array<epoll_event, 8> events{};
    while (owner.calls == before && std::chrono::steady_clock::now() < deadline) {
      for (const auto& e : loop.wait(events, 50'000)) connection.on_event(e.events, static_cast<std::uint32_t>(e.data.u64));
    }
    return owner.calls == before ? Failure::aborted : owner.last;
  }
  EventLoop loop;
  std::vector<char> buffer;
  ConnectionContext context;
  Owner owner;
  Origin origin;
  Address address;
  Connection connection;
};

TEST(TlsConnection, HandshakesVerifiesTheCertificateAndReadsTheResponse) {
  TlsServer server;
  TlsContext tls(true, server.ca_file());
  TlsClient client(server.port(), tls);
  Collect body;
  const std::string request = "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_EQ(client.send(request, &body), Failure::none) << tls_error_string(client.connection.error_code());
  EXPECT_EQ(client.connection.response().status_code(), 200);
  EXPECT_EQ(body.body, "hello over tls");
  const auto& t = client.connection.timings();
  EXPECT_GT(t.handshake_done_us, t.connected_us);  // the TLS handshake is timed apart
}

TEST(TlsConnection, AnUntrustedCertificateFailsTheHandshake) {
  TlsServer server;
  TlsContext tls(true);  // the system store does not know the throw-away certificate
  TlsClient client(server.port(), tls);
  EXPECT_EQ(client.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", nullptr), Failure::tls);
  // insecureSkipTLSVerify: the same server is fine without verification.
  TlsContext insecure(false);
  TlsClient trusting(server.port(), insecure);
  Collect body;
  EXPECT_EQ(trusting.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", &body), Failure::none);
  EXPECT_EQ(body.body, "hello over tls");
}

}  // namespace
}  // namespace rsolv::loadgen::engine
