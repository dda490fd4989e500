#include <gtest/gtest.h>

#include <set>

#include "rsolv/common/clock.hpp"
#include "rsolv/http/client.hpp"
#include "rsolv/process/server.hpp"
#include "rsolv/testing/scripted_server.hpp"
#include "test_servers.hpp"

namespace rsolv::http {
namespace {

using namespace test;
using namespace std::chrono_literals;
using testing::Action;
using testing::ScriptedServer;

// Every test here runs against both transports: libcurl (the default constructors) and the lean
// Beast/OpenSSL one, so retry, budget and keep-alive behaviour is one contract.
class HttpClient : public ::testing::TestWithParam<std::string> {
 protected:
  Client make(ClientOptions o, Random random) { return make_client(GetParam(), std::move(o), clock_, std::move(random)); }
  // On the real clock: back-off sleeps are real.
  Client make_real(ClientOptions o) { return make_client(GetParam(), std::move(o), SystemClock::instance(), Random()); }
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

TEST_P(HttpClient, ReturnsStatusHeadersAndBody) {
  server_.enqueue(Action::respond(201, R"({"id":7})", {{"X-Custom", "yes"}}));
  auto client = make(options(), Random(1));
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

TEST_P(HttpClient, RetriesA500ThenSucceeds) {
  server_.enqueue(Action::respond(500, R"({"error":"boom"})"));
  server_.enqueue(Action::respond(200, R"({"ok":true})"));
  auto client = make(options(), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/x"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(server_.request_count(), 2u);
  EXPECT_LE(clock_.total_slept(), 100ms) << "first retry waits at most the base delay";
}

TEST_P(HttpClient, Honours429RetryAfterSeconds) {
  server_.enqueue(Action::too_many_requests(7));
  auto client = make(options(), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/limited"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(clock_.total_slept(), 7s);
}

TEST_P(HttpClient, Honours429RetryAfterHttpDate) {
  // ManualClock starts at 1700000000 = Tue, 14 Nov 2023 22:13:20 GMT
  server_.enqueue(Action::too_many_requests(3, "Tue, 14 Nov 2023 22:13:23 GMT"));
  auto client = make(options(), Random(1));
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/limited"}).status, 200);
  EXPECT_EQ(clock_.total_slept(), 3s);
}

TEST_P(HttpClient, RetryAfterBeyondTheBudgetReturnsThe429) {
  server_.enqueue(Action::too_many_requests(3600));
  auto o = options();
  o.total_timeout = 30000ms;
  auto client = make(o, Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/limited"});
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.header("Retry-After"), "3600");
  EXPECT_EQ(server_.request_count(), 1u);
  EXPECT_EQ(clock_.total_slept(), 0ms);
}

TEST_P(HttpClient, GivesUpAfterMaxRetriesAndReturnsTheLastResponse) {
  server_.set_default(Action::respond(503, R"({"error":"unavailable"})"));
  auto client = make(options(2), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/down"});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(server_.request_count(), 3u);
  EXPECT_NE(log_.back().find("no retries left"), std::string::npos) << log_.back();
}

TEST_P(HttpClient, ClientErrorsAreNotRetried) {
  server_.set_default(Action::respond(422, R"({"error":"invalid"})"));
  auto client = make(options(), Random(1));
  EXPECT_EQ(client.send({"POST", server_.base_url() + "/x", {}, "{}"}).status, 422);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_P(HttpClient, NotImplementedIsNotRetried) {
  server_.set_default(Action::respond(501));
  auto client = make(options(), Random(1));
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/x"}).status, 501);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_P(HttpClient, DroppedConnectionIsRetried) {
  server_.enqueue(Action::close_connection());
  server_.enqueue(Action::respond(200, "{}"));
  auto client = make(options(), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/flaky"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
}

TEST_P(HttpClient, RefusedConnectionThrowsAfterAllAttempts) {
  const int port = process::find_free_port();  // nothing listens there
  auto client = make(options(2), Random(1));
  try {
    client.send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/"});
    FAIL() << "expected TransportError";
  } catch (const TransportError& error) {
    EXPECT_EQ(error.attempts(), 3);
    EXPECT_NE(std::string(error.what()).find("after 3 attempts"), std::string::npos) << error.what();
  }
}

TEST_P(HttpClient, StallBeyondTheAttemptTimeoutIsRetriedThenFails) {
  server_.set_default(Action::respond(200).after(10000ms));  // the destructor cuts it short
  auto o = options(1);
  o.attempt_timeout = 200ms;
  auto client = make(o, Random(1));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(client.send({"GET", server_.base_url() + "/slow"}), TransportError);
  EXPECT_EQ(server_.request_count(), 2u);
  // Two 200 ms attempts (the back-off sleeps on the ManualClock); 10x that for a loaded machine,
  // against the 20 s of two attempts that waited for their answer.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4000ms);
}

TEST_P(HttpClient, TotalBudgetStopsRetriesOnTheRealClock) {
  server_.set_default(Action::respond(500));
  auto o = options(50);
  o.total_timeout = 400ms;
  o.retry.base_delay = 100ms;
  o.retry.max_delay = 100ms;
  auto client = make_real(o);
  const auto started = std::chrono::steady_clock::now();
  const auto response = client.send({"GET", server_.base_url() + "/x"});
  EXPECT_EQ(response.status, 500);
  // The budget is the user-visible point: 5x its 400 ms on a loaded machine; the 50 retries 100 ms
  // apart it cut short would take over 5 s.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2000ms);
  EXPECT_LT(response.attempts, 50);
}

TEST_P(HttpClient, IdempotencyKeyIsTheSameOnEveryAttempt) {
  server_.enqueue(Action::respond(502));
  server_.enqueue(Action::close_connection());
  server_.enqueue(Action::respond(201, "{}"));
  auto client = make(options(), Random(1));
  CallOptions call;
  call.idempotency_key = "rsolv-action-abc123";
  EXPECT_EQ(client.send({"POST", server_.base_url() + "/fix-deployments", {}, "{}"}, call).status, 201);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) EXPECT_EQ(request.header("Idempotency-Key"), "rsolv-action-abc123");
}

TEST_P(HttpClient, AutoIdempotencyKeyIsGeneratedOncePerCall) {
  server_.enqueue(Action::respond(500));
  auto client = make(options(), Random(1));
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

TEST_P(HttpClient, LogLinesNeverContainSecretHeaderValues) {
  server_.enqueue(Action::respond(500));
  auto client = make(options(), Random(1));
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

TEST_P(HttpClient, ConnectsFromTheGivenLoopbackSourceAddress) {
  auto o = options();
  o.source_address = "127.0.0.2";
  auto client = make(o, Random(1));
  // The scripted server listens on 127.0.0.1 only; loopback routes 127.0.0.2 to it.
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/from"}).status, 200);
  EXPECT_EQ(server_.requests().at(0).client_ip, "127.0.0.2");
  auto plain = make(options(), Random(1));
  plain.send({"GET", server_.base_url() + "/from"});
  EXPECT_EQ(server_.requests().at(1).client_ip, "127.0.0.1");
}

TEST_P(HttpClient, KeepsTheConnectionAliveBetweenCalls) {
  auto client = make(options(), Random(1));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.send({"GET", server_.base_url() + "/ping"}).status, 200);
  EXPECT_EQ(server_.request_count(), 3u);
}

TEST_P(HttpClient, Honours503RetryAfter) {
  server_.enqueue(Action::respond(503, R"({"error":"maintenance"})", {{"Retry-After", "2"}}));
  auto client = make(options(), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/maintenance"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(clock_.total_slept(), 2s);
}

TEST_P(HttpClient, RetryAfterAboveTheClientsCeilingReturnsAtOnceEvenWithinBudget) {
  server_.enqueue(Action::too_many_requests(30));
  auto o = options();
  o.retry.max_retry_after = 10s;  // the budget (60 s) would allow it; the policy does not
  auto client = make(o, Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/limited"});
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(server_.request_count(), 1u);
  EXPECT_EQ(clock_.total_slept(), 0ms);
}

TEST_P(HttpClient, UnparseableRetryAfterFallsBackToJitteredBackoff) {
  server_.enqueue(Action::too_many_requests(5, "soon-ish"));
  auto client = make(options(), Random(1));
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/limited"}).status, 200);
  EXPECT_LE(clock_.total_slept(), 100ms) << "the base delay, not 5 s";
}

TEST_P(HttpClient, BackoffSleepsNeverPassTheTotalBudget) {
  server_.set_default(Action::respond(500));
  auto o = options(20);
  o.retry.base_delay = 1000ms;
  o.retry.max_delay = 1000ms;
  o.total_timeout = 3000ms;
  auto client = make(o, Random(7));
  const auto response = client.send({"GET", server_.base_url() + "/x"});
  EXPECT_EQ(response.status, 500);
  EXPECT_LT(clock_.total_slept(), 3000ms);
  EXPECT_GT(response.attempts, 1);
  EXPECT_LT(response.attempts, 21);
  EXPECT_EQ(server_.request_count(), static_cast<std::size_t>(response.attempts));
  EXPECT_NE(log_.back().find("would pass the 3000 ms budget"), std::string::npos) << log_.back();
}

TEST_P(HttpClient, ZeroRetriesMeansOneAttempt) {
  server_.set_default(Action::respond(503));
  auto client = make(options(0), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/x"});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(server_.request_count(), 1u);
  EXPECT_EQ(clock_.total_slept(), 0ms);
}

TEST_P(HttpClient, RetryOn5xxCanBeTurnedOff) {
  server_.set_default(Action::respond(500));
  auto o = options();
  o.retry.retry_on_5xx = false;
  auto client = make(o, Random(1));
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/x"}).status, 500);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_P(HttpClient, TruncatedResponseIsRetried) {
  server_.enqueue(Action::respond(200, R"({"balance":100})").truncated(5));
  server_.enqueue(Action::respond(200, R"({"balance":99})"));
  auto client = make(options(), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/credits"});
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(response.body, R"({"balance":99})") << "no bytes of the cut-off attempt";
}

TEST_P(HttpClient, ResetConnectionIsRetried) {
  server_.enqueue(Action::reset_connection());
  server_.enqueue(Action::respond(200, "{}"));
  auto client = make(options(), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/flaky"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
}

TEST_P(HttpClient, FinalResponseCarriesOnlyTheLastAttemptsHeadersAndBody) {
  server_.enqueue(Action::respond(502, "first body", {{"X-Attempt", "1"}, {"X-Only-First", "yes"}}));
  server_.enqueue(Action::respond(200, "second body", {{"X-Attempt", "2"}}));
  auto client = make(options(), Random(1));
  const auto response = client.send({"GET", server_.base_url() + "/x"});
  EXPECT_EQ(response.body, "second body");
  EXPECT_EQ(response.header("x-attempt"), "2");
  EXPECT_FALSE(response.header("X-Only-First"));
}

TEST_P(HttpClient, CallersOwnIdempotencyKeyHeaderIsKeptAndNotDuplicated) {
  server_.enqueue(Action::respond(500));
  auto client = make(options(), Random(1));
  CallOptions call;
  call.auto_idempotency_key = true;
  client.send({"POST", server_.base_url() + "/x", {{"idempotency-key", "caller-key-1"}}, "{}"}, call);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& request : requests) {
    int count = 0;
    for (const auto& [name, value] : request.headers) count += iequals(name, "Idempotency-Key") ? 1 : 0;
    EXPECT_EQ(count, 1);
    EXPECT_EQ(request.header("Idempotency-Key"), "caller-key-1");
  }
}

TEST_P(HttpClient, LargeBodyArrivesIntact) {
  std::string body(512 * 1024, 'a');
  for (std::size_t i = 0; i < body.size(); i += 997) body[i] = static_cast<char>('a' + (i / 997) % 26);
  auto client = make(options(), Random(1));
  EXPECT_EQ(client.send({"PUT", server_.base_url() + "/blob", {{"Content-Type", "application/octet-stream"}}, body}).status, 200);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_TRUE(requests[0].body == body) << "received " << requests[0].body.size() << " bytes";
}

TEST_P(HttpClient, HeadRequestGetsHeadersWithoutBodyAndTheConnectionStaysUsable) {
  server_.set_default(Action::respond(200, "0123456789"));
  auto client = make(options(), Random(1));
  const auto head = client.send({"HEAD", server_.base_url() + "/x"});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("Content-Length"), "10");
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/x"}).body, "0123456789");
  EXPECT_EQ(server_.requests().at(0).method, "HEAD");
}

TEST_P(HttpClient, OneLogLinePerAttemptSayingWhatHappensNext) {
  server_.enqueue(Action::close_connection());  // first, on a fresh connection (see below)
  server_.enqueue(Action::respond(500));
  auto client = make(options(), Random(1));
  client.send({"GET", server_.base_url() + "/x"});
  ASSERT_EQ(log_.size(), 3u);
  EXPECT_NE(log_[0].find("failed"), std::string::npos) << log_[0];
  EXPECT_NE(log_[0].find("retry 1/3"), std::string::npos) << log_[0];
  EXPECT_NE(log_[1].find("-> 500"), std::string::npos) << log_[1];
  EXPECT_NE(log_[1].find("retry 2/3"), std::string::npos) << log_[1];
  EXPECT_NE(log_[2].find("-> 200"), std::string::npos) << log_[2];
}

TEST_P(HttpClient, DropOnAReusedConnectionIsResentOnceByTheTransportWithTheSameKey) {
  // Both transports resend a request by themselves when a kept-alive connection closes before any
  // byte of the answer (a stale connection cannot be told from a crash): one attempt here, two
  // requests upstream. Fault tests that want the client's own retry must drop a fresh connection.
  auto client = make(options(), Random(1));
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/warm-up"}).status, 200);
  server_.enqueue(Action::close_connection());
  CallOptions call;
  call.idempotency_key = "key-1";
  const auto response = client.send({"POST", server_.base_url() + "/fix-deployments", {}, "{}"}, call);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 1);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].header("Idempotency-Key"), "key-1");
  EXPECT_EQ(requests[2].header("Idempotency-Key"), "key-1");
}

TEST_P(HttpClient, TransportErrorNamesTheUrlButNotTheKey) {
  const int port = process::find_free_port();
  auto client = make(options(0), Random(1));
  const std::string key = "rsolv_TOPSECRETKEYVALUE";
  try {
    client.send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/api/v1/entitlement", {{"X-Api-Key", key}}});
    FAIL() << "expected TransportError";
  } catch (const TransportError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("/api/v1/entitlement"), std::string::npos) << message;
    EXPECT_EQ(message.find("TOPSECRET"), std::string::npos) << message;
    EXPECT_EQ(error.attempts(), 1);
  }
  for (const auto& line : log_) EXPECT_EQ(line.find("TOPSECRET"), std::string::npos) << line;
}

INSTANTIATE_TEST_SUITE_P(Transports, HttpClient, kTransports, transport_name);

}  // namespace
}  // namespace rsolv::http
