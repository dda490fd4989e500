// harness/http's server answering later (RequestHandler::serve + Responder), over real loopback
// HTTP with one worker thread: a request whose answer waits holds only its own connection, the
// answer can come from another thread, a dropped Responder is a 500, and a Responder nobody
// answers costs its connection at answer_timeout and never blocks shutdown. Also: a HEAD request
// gets the GET answer's length and no body, and its keep-alive connection serves a GET next.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <array>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "rsolv/http/client.hpp"
#include "rsolv/http/server.hpp"

namespace rsolv::http {
namespace {

using namespace std::chrono_literals;

ServerResponse answer(int status, std::string body) {
  ServerResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// /fast answers at once; /slow keeps its Responder for the test; /drop keeps nothing and defers.
class DeferringHandler final : public RequestHandler {
 public:
  ServerResponse handle(const ServerRequest&) override { return answer(200, "fast"); }

  std::optional<ServerResponse> serve(const ServerRequest& request, const Responder& later) override {
    if (request.target == "/drop") return std::nullopt;
    if (request.target != "/slow") return handle(request);
    std::lock_guard lock(mutex_);
    waiting_.push_back(later);
    return std::nullopt;
  }

  // Waits (bounded) until `n` requests are waiting for their answer.
  bool wait_for(std::size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (waiting_.size() >= n) return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  Responder take(std::size_t i) {
    std::lock_guard lock(mutex_);
    return waiting_.at(i);
  }

 private:
  std::mutex mutex_;
  std::vector<Responder> waiting_;
};

struct Running {
  DeferringHandler handler;
  std::optional<Server> server;
  std::thread thread;

  explicit Running(std::chrono::seconds answer_timeout = 30s) {
    ServerOptions options;
    options.threads = 1;
    options.handle_signals = false;
    options.answer_timeout = answer_timeout;
    options.shutdown_grace = 2s;
    server.emplace(options, handler);
    thread = std::thread([this] { server->run(); });
  }
  ~Running() {
    server->stop();
    thread.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server->bound_port()) + path; }
};

Response get(const std::string& url, std::chrono::milliseconds timeout = 10s) {
  ClientOptions options;
  options.retry.max_retries = 0;
  options.attempt_timeout = timeout;
  Client client(options);
  return client.send({"GET", url});
}

TEST(ServerDeferred, AWaitingAnswerHoldsOnlyItsOwnConnection) {
  Running running;
  auto slow = std::async(std::launch::async, [&] { return get(running.url("/slow")); });
  ASSERT_TRUE(running.handler.wait_for(1));

  const auto started = std::chrono::steady_clock::now();
  const auto fast = get(running.url("/fast"), 3s);
  EXPECT_EQ(fast.status, 200);
  EXPECT_EQ(fast.body, "fast");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "the waiting request blocked another connection";
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout) << "answered before its Responder was";

  // From another thread, as a pool thread would; a second send is ignored.
  std::thread([&] {
    running.handler.take(0).send(answer(201, "slow"));
    running.handler.take(0).send(answer(500, "again"));
  }).join();
  const auto answer = slow.get();
  EXPECT_EQ(answer.status, 201);
  EXPECT_EQ(answer.body, "slow");
}

TEST(ServerDeferred, ADroppedResponderIsA500) {
  Running running;
  const auto dropped = get(running.url("/drop"));
  EXPECT_EQ(dropped.status, 500);
  EXPECT_NE(dropped.body.find("no_answer"), std::string::npos) << dropped.body;
}

TEST(ServerDeferred, AnUnansweredRequestClosesAtAnswerTimeoutAndNeverBlocksShutdown) {
  auto running = std::make_unique<Running>(1s);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(get(running->url("/slow")), TransportError);
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 5s);
  running->handler.take(0).send(answer(200, "too late"));  // nobody to answer: does nothing

  // Another one still waiting at stop(): the server ends within its grace.
  auto pending = std::async(std::launch::async, [&] { return get(running->url("/slow")); });
  ASSERT_TRUE(running->handler.wait_for(2));
  const auto stopping = std::chrono::steady_clock::now();
  running.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 5s);
  EXPECT_THROW(pending.get(), TransportError);
}

TEST(ServerHead, AHeadAnswerHasTheLengthButNoBodyAndTheConnectionGoesOn) {
  Running running;
  // Pipelined on one raw connection: had the server sent "fast" after the HEAD answer, it would
  // stand where the GET's status line must be.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), running.server->bound_port()});
  const std::string requests =
      "HEAD /fast HTTP/1.1\r\nHost: t\r\n\r\nGET /fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(requests));
  std::string received;
  boost::system::error_code ec;
  std::array<char, 4096> buffer{};
  while (!ec && received.size() < 64 * 1024) {  // until the server closes after the GET
    const std::size_t n = socket.read_some(boost::asio::buffer(buffer), ec);
    received.append(buffer.data(), n);
  }
  const auto first_end = received.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos) << received;
  const std::string head_answer = received.substr(0, first_end);
  EXPECT_NE(head_answer.find("Content-Length: 4"), std::string::npos) << head_answer;
  const std::string rest = received.substr(first_end + 4);
  EXPECT_TRUE(rest.starts_with("HTTP/1.1 200")) << rest;
  EXPECT_TRUE(rest.ends_with("\r\n\r\nfast")) << rest;
}

}  // namespace
}  // namespace rsolv::http
