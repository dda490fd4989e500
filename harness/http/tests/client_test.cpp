#include <gtest/gtest.h>

#include <set>

#include "rsolv/common/clock.hpp"
#include "rsolv/http/client.hpp"
#include "rsolv/process/server.hpp"
#include "rsolv/testing/scripted_server.hpp"

namespace rsolv::http {
namespace {

using namespace std::chrono_literals;
using testing::Action;
using testing::ScriptedServer;

class HttpClient : public ::testing::Test {
 protected:
  ClientOptions options(int retries = 3) {
    ClientOptions o;
    o.retry.max_retries = retries;
    o.retry.base_delay = 100ms;
    o.attempt_timeout = 2000ms;
    o.total_timeout = 60000ms;  // of ManualClock time: sleeps advance it, HTTP does not
    o.log = [this](std::string_view line) { log_.emplace_back(line); };
    return o;
  }
  ScriptedServer server_;
  ManualClock clock_;
  std::vector<std::string> log_;
};

TEST_F(HttpClient, ReturnsStatusHeadersAndBody) {
  server_.enqueue(Action::respond(201, R"({"id":7})", {{"X-Custom", "yes"}}));
  Client client(options(), clock_, Random(1));
  const auto response = client.send({"POST", server_.base_url() + "/items", {{"Content-Type", "application/json"}}, R"({"a":1})"});
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"({"id":7})");
  EXPECT_EQ(response.header("x-custom"), "yes");
  EXPECT_EQ(response.attempts, 1);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/items");
  EXPECT_EQ(requests[0].body, R"({"a":1})");
  EXPECT_FALSE(requests[0].header("Expect")) << "no 100-continue round trip";
}

TEST_F(HttpClient, RetriesA500ThenSucceeds) {
  server_.enqueue(Action::respond(500, R"({"error":"boom"})"));
  server_.enqueue(Action::respond(200, R"({"ok":true})"));
  Client client(options(), clock_, Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/x"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(server_.request_count(), 2u);
  EXPECT_LE(clock_.total_slept(), 100ms) << "first retry waits at most the base delay";
}

TEST_F(HttpClient, Honours429RetryAfterSeconds) {
  server_.enqueue(Action::too_many_requests(7));
  Client client(options(), clock_, Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/limited"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(clock_.total_slept(), 7s);
}

TEST_F(HttpClient, Honours429RetryAfterHttpDate) {
  // ManualClock starts at 1700000000 = Tue, 14 Nov 2023 22:13:20 GMT
  server_.enqueue(Action::too_many_requests(3, "Tue, 14 Nov 2023 22:13:23 GMT"));
  Client client(options(), clock_, Random(1));
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/limited"}).status, 200);
  EXPECT_EQ(clock_.total_slept(), 3s);
}

TEST_F(HttpClient, RetryAfterBeyondTheBudgetReturnsThe429) {
  server_.enqueue(Action::too_many_requests(3600));
  auto o = options();
  o.total_timeout = 30000ms;
  Client client(o, clock_, Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/limited"});
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.header("Retry-After"), "3600");
  EXPECT_EQ(server_.request_count(), 1u);
  EXPECT_EQ(clock_.total_slept(), 0ms);
}

TEST_F(HttpClient, GivesUpAfterMaxRetriesAndReturnsTheLastResponse) {
  server_.set_default(Action::respond(503, R"({"error":"unavailable"})"));
  Client client(options(2), clock_, Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/down"});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(server_.request_count(), 3u);
  EXPECT_NE(log_.back().find("no retries left"), std::string::npos) << log_.back();
}

TEST_F(HttpClient, ClientErrorsAreNotRetried) {
  server_.set_default(Action::respond(422, R"({"error":"invalid"})"));
  Client client(options(), clock_, Random(1));
  EXPECT_EQ(client.send({"POST", server_.base_url() + "/x", {}, "{}"}).status, 422);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(HttpClient, NotImplementedIsNotRetried) {
  server_.set_default(Action::respond(501));
  Client client(options(), clock_, Random(1));
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/x"}).status, 501);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(HttpClient, DroppedConnectionIsRetried) {
  server_.enqueue(Action::close_connection());
  server_.enqueue(Action::respond(200, "{}"));
  Client client(options(), clock_, Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/flaky"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
}

TEST_F(HttpClient, RefusedConnectionThrowsAfterAllAttempts) {
  const int port = process::find_free_port();  // nothing listens there
  Client client(options(2), clock_, Random(1));
  try {
    client.send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/"});
    FAIL() << "expected TransportError";
  } catch (const TransportError& error) {
    EXPECT_EQ(error.attempts(), 3);
    EXPECT_NE(std::string(error.what()).find("after 3 attempts"), std::string::npos) << error.what();
  }
}

TEST_F(HttpClient, StallBeyondTheAttemptTimeoutIsRetriedThenFails) {
  server_.set_default(Action::respond(200).after(3000ms));
  auto o = options(1);
  o.attempt_timeout = 200ms;
  Client client(o, clock_, Random(1));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(client.send({"GET", server_.base_url() + "/slow"}), TransportError);
  EXPECT_EQ(server_.request_count(), 2u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2000ms);
}

TEST_F(HttpClient, TotalBudgetStopsRetriesOnTheRealClock) {
  server_.set_default(Action::respond(500));
  auto o = options(50);
  o.total_timeout = 400ms;
  o.retry.base_delay = 100ms;
  o.retry.max_delay = 100ms;
  Client client(o);  // SystemClock: sleeps are real
  const auto started = std::chrono::steady_clock::now();
  const auto response = client.send({"GET", server_.base_url() + "/x"});
  EXPECT_EQ(response.status, 500);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_LT(response.attempts, 50);
}

TEST_F(HttpClient, IdempotencyKeyIsTheSameOnEveryAttempt) {
  server_.enqueue(Action::respond(502));
  server_.enqueue(Action::close_connection());
  server_.enqueue(Action::respond(201, "{}"));
  Client client(options(), clock_, Random(1));
  CallOptions call;
  call.idempotency_key = "rsolv-action-abc123";
  EXPECT_EQ(client.send({"POST", server_.base_url() + "/fix-deployments", {}, "{}"}, call).status, 201);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) EXPECT_EQ(request.header("Idempotency-Key"), "rsolv-action-abc123");
}

TEST_F(HttpClient, AutoIdempotencyKeyIsGeneratedOncePerCall) {
  server_.enqueue(Action::respond(500));
  Client client(options(), clock_, Random(1));
  CallOptions call;
  call.auto_idempotency_key = true;
  client.send({"POST", server_.base_url() + "/a", {}, "{}"}, call);
  client.send({"POST", server_.base_url() + "/b", {}, "{}"}, call);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  ASSERT_TRUE(requests[0].header("Idempotency-Key"));
  EXPECT_EQ(requests[0].header("Idempotency-Key"), requests[1].header("Idempotency-Key")) << "same call, same key";
  EXPECT_NE(requests[1].header("Idempotency-Key"), requests[2].header("Idempotency-Key")) << "new call, new key";
}

TEST_F(HttpClient, LogLinesNeverContainSecretHeaderValues) {
  server_.enqueue(Action::respond(500));
  Client client(options(), clock_, Random(1));
  const std::string key = "rsolv_SECRETSECRETSECRETSECRETSECRETSECRET1234";
  client.send({"GET", server_.base_url() + "/api/v1/entitlement", {{"X-Api-Key", key}, {"Stripe-Signature", "t=1,v1=abc"}}});
  ASSERT_FALSE(log_.empty());
  for (const auto& line : log_) {
    EXPECT_EQ(line.find("SECRETSECRET"), std::string::npos) << line;
    EXPECT_EQ(line.find("v1=abc"), std::string::npos) << line;
    EXPECT_NE(line.find("[redacted]"), std::string::npos) << line;
  }
  EXPECT_EQ(server_.requests()[0].header("x-api-key"), key) << "the server still receives the real key";
}

TEST_F(HttpClient, ConnectsFromTheGivenLoopbackSourceAddress) {
  auto o = options();
  o.source_address = "127.0.0.2";
  Client client(o, clock_, Random(1));
  // The scripted server listens on 127.0.0.1 only; loopback routes 127.0.0.2 to it.
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/from"}).status, 200);
  EXPECT_EQ(server_.requests().at(0).client_ip, "127.0.0.2");
  Client plain(options(), clock_, Random(1));
  plain.send({"GET", server_.base_url() + "/from"});
  EXPECT_EQ(server_.requests().at(1).client_ip, "127.0.0.1");
}

TEST_F(HttpClient, KeepsTheConnectionAliveBetweenCalls) {
  Client client(options(), clock_, Random(1));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.send({"GET", server_.base_url() + "/ping"}).status, 200);
  EXPECT_EQ(server_.request_count(), 3u);
}

}  // namespace
}  // namespace rsolv::http
