// HTTP/1.1 behaviour of the server process: body and header limits, malformed requests,
// keep-alive, Expect: 100-continue, graceful SIGTERM, the access log and /metrics.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/sandbox_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;
using nlohmann::json;

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }
std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

// Whether every established connection the server at `port` holds has had its received bytes read
// by the server (the kernel's receive queue of its end is empty), and there is at least one:
// /proc/net/tcp is the observable sign that a request sent in part is being read.
bool server_read_everything(int port) {
  std::ifstream in("/proc/net/tcp");
  char local_port[8];
  std::snprintf(local_port, sizeof local_port, ":%04X", port);
  std::string line;
  std::getline(in, line);  // the header
  int established = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    if (!local.ends_with(local_port) || state != "01") continue;  // 01: ESTABLISHED
    ++established;
    if (queues.substr(queues.find(':') + 1) != "00000000") return false;  // rx_queue
  }
  return established > 0;
}

// Whether a new connection to the server fails (refused, or not answered), tried for up to 10 s.
bool new_connections_fail(int port) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    try {
      HttpConnection(port, std::chrono::seconds(2)).send("GET", "/api/health");
    } catch (const std::exception&) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The access log line of a request is written just after its response; wait for it (bounded).
std::vector<std::string> wait_for_lines(const std::filesystem::path& path, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto lines = read_lines(path);
  while (lines.size() < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    lines = read_lines(path);
  }
  return lines;
}

TEST(Protocol, BodiesOverOneMebibyteAre413AndOneMebibyteIsAccepted) {
  Sandbox sb;
  const std::string too_big(1024 * 1024 + 1, ' ');
  const auto refused = raw_exchange(sb.port(), "POST /api/v1/customers/onboard HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                                   std::to_string(too_big.size()) + "\r\n\r\n" + too_big);
  EXPECT_EQ(status_line(refused), "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(json::parse(body_of(refused)).at("error"), "payload_too_large");

  // Exactly the limit: valid JSON padded with spaces reaches the platform.
  std::string body = json{{"name", "Big"}, {"email", unique_id("big-") + "@example.com"}}.dump();
  body.append(1024 * 1024 - body.size(), ' ');
  const auto accepted = sb.post("/api/v1/customers/onboard", body);
  EXPECT_EQ(accepted.status, 201) << accepted.body;
}

TEST(Protocol, ATooLargeContentLengthIsRefusedBeforeTheBodyIsSent) {
  Sandbox sb;
  const auto reply = raw_exchange(sb.port(),
                                  "POST /api/webhooks/stripe HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                                  "Content-Length: 50000000\r\n\r\n");
  EXPECT_EQ(status_line(reply), "HTTP/1.1 413 Payload Too Large");
}

TEST(Protocol, MalformedRequestsAre400WithAJsonError) {
  Sandbox sb;
  for (const std::string request : {"GARBAGE\r\n\r\n", "GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                                    "GET /api/health HTTP/9.9\r\n\r\n"}) {
    const auto reply = raw_exchange(sb.port(), request);
    EXPECT_EQ(status_line(reply), "HTTP/1.1 400 Bad Request") << request;
    EXPECT_EQ(json::parse(body_of(reply)).at("error"), "bad_request") << request;
  }
}

TEST(Protocol, OversizedHeadersAre431) {
  Sandbox sb;
  const auto reply =
      raw_exchange(sb.port(), "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(32 * 1024, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_line(reply), "HTTP/1.1 431 Request Header Fields Too Large");
}

TEST(Protocol, KeepAliveServesManyRequestsOnOneConnection) {
  Sandbox sb;
  HttpConnection connection(sb.port());
  const auto key = sb.key("pro_active");
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(connection.send("GET", "/api/v1/entitlement", {}, {{"x-api-key", key}}).status, 200);
  }
  EXPECT_EQ(connection.connects(), 1);
}

TEST(Protocol, PipelinedRequestsAreAnsweredInOrder) {
  Sandbox sb;
  const auto reply = raw_exchange(sb.port(),
                                  "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
                                  "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto first = reply.find("HTTP/1.1 200 OK");
  const auto second = reply.find("HTTP/1.1 404 Not Found");
  EXPECT_NE(first, std::string::npos) << reply;
  EXPECT_NE(second, std::string::npos) << reply;
  EXPECT_LT(first, second);
}

TEST(Protocol, ExpectContinueGetsA100BeforeTheBodyIsSent) {
  Sandbox sb;
  const auto body = json{{"name", "Cont"}, {"email", unique_id("cont-") + "@example.com"}}.dump();
  RawConnection connection(sb.port());
  connection.write("POST /api/v1/customers/onboard HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n"
                   "Content-Type: application/json\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n");
  // The 100 arrives while the body is still unsent: read it first, then send the body.
  const auto interim = connection.read_until("\r\n\r\n");
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  connection.write(body);
  const auto reply = interim + connection.read_all();
  EXPECT_EQ(reply.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("HTTP/1.1 201 Created"), std::string::npos) << reply;
}

TEST(Protocol, SigtermLetsAnInFlightRequestFinishThenExitsZero) {
  Sandbox sb;
  const auto body = json{{"name", "Late"}, {"email", unique_id("late-") + "@example.com"}}.dump();
  RawConnection in_flight(sb.port());
  in_flight.write("POST /api/v1/customers/onboard HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
  // SIGTERM once the server has read the partial request (so it is in flight, not an idle
  // connection), and the checks below once it has observably handled the signal.
  bool read = false;
  for (int i = 0; i < 1000 && !(read = server_read_everything(sb.port())); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(read) << "the server never read the partial request";
  sb.process().signal(SIGTERM);
  EXPECT_TRUE(new_connections_fail(sb.port())) << "no new connections are accepted";
  EXPECT_TRUE(sb.process().running()) << "the server waits for the request it is reading";

  in_flight.write(body.substr(10));
  const auto reply = in_flight.read_all();
  EXPECT_EQ(status_line(reply), "HTTP/1.1 201 Created") << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
  EXPECT_EQ(sb.process().stop(std::chrono::seconds(10)), 0);
}

TEST(Protocol, IdleKeepAliveConnectionsDoNotHoldUpShutdown) {
  Sandbox sb;
  HttpConnection idle(sb.port());
  ASSERT_EQ(idle.send("GET", "/api/health").status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(sb.process().stop(std::chrono::seconds(10)), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(Protocol, TheAccessLogHasOneJsonLinePerRequestAndNoSecrets) {
  Sandbox sb;
  const auto key = sb.key("pro_active");
  const std::string card = "4000056655665556";
  sb.get("/api/v1/customers/me?token=should-not-appear", key);
  sb.post("/api/v1/billing/payment-methods", json{{"card_number", card}, {"cvc", "987"}}.dump(), key);
  const auto onboarded = sb.onboard("logged");
  sb.get("/api/v1/entitlement", onboarded);
  sb.webhook(stripe_event(unique_id("evt_"), "charge.succeeded", {{"id", "ch_1"}}));
  sb.get("/api/v1/entitlement", "rsolv_guessed_key_that_does_not_exist_00000000");

  const auto lines = wait_for_lines(sb.access_log_path(), 6);
  ASSERT_EQ(lines.size(), 6u);
  std::string all;
  for (const auto& line : lines) {
    all += line + "\n";
    const auto record = json::parse(line);
    for (const char* field : {"ts", "method", "route", "status", "duration_ms", "bytes", "ip", "request_id"}) {
      EXPECT_TRUE(record.contains(field)) << field << " in " << line;
    }
    EXPECT_EQ(record.at("ip"), "127.0.0.1");
  }
  EXPECT_EQ(json::parse(lines[0]).at("route"), "/api/v1/customers/me");
  EXPECT_EQ(json::parse(lines[1]).at("status"), 422);
  for (const std::string& secret : {key, onboarded, sb.secret(), card, std::string("should-not-appear"),
                                    std::string("rsolv_guessed"), std::string("Stripe-Signature"), std::string("t=")}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << "the access log must not contain " << secret.substr(0, 8);
  }
}

TEST(Protocol, MetricsExposeEveryFamilyLabelledByRouteTemplate) {
  SandboxOptions options;
  options.rate_limit_onboard = "1/3600";
  Sandbox sb(options);
  const auto key = sb.key("payg");
  sb.get("/api/v1/entitlement", key);
  sb.get("/api/v1/customers/12345/secret-path");
  sb.post("/api/v1/fix-deployments",
          json{{"github_org", "m"}, {"repo_name", "m"}, {"pr_number", 1}, {"commit_sha", "abcdef1234567"}}.dump(), key);
  sb.onboard("metrics");
  sb.post("/api/v1/customers/onboard", "{}");  // over the limit: 429

  const auto reply = sb.get("/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = reply.body;
  for (const char* family :
       {"rsolv_sandbox_http_requests_total", "rsolv_sandbox_http_request_duration_seconds", "rsolv_sandbox_webhooks_total",
        "rsolv_sandbox_credits_granted_total", "rsolv_sandbox_credits_consumed_total", "rsolv_sandbox_charges_total",
        "rsolv_sandbox_rate_limited_total"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + family), std::string::npos) << family;
  }
  EXPECT_NE(text.find(R"(rsolv_sandbox_http_requests_total{route="/api/v1/entitlement",method="GET",status="200"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(rsolv_sandbox_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(rsolv_sandbox_http_request_duration_seconds_bucket{route="/api/v1/fix-deployments",le="+Inf"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(rsolv_sandbox_charges_total{outcome="succeeded"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(rsolv_sandbox_credits_granted_total{source="purchased"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(rsolv_sandbox_rate_limited_total{limit="onboard"} 1)"), std::string::npos);
  EXPECT_EQ(text.find("secret-path"), std::string::npos) << "raw paths never become labels";
  EXPECT_EQ(text.find(key), std::string::npos);
}

}  // namespace
}  // namespace rsolv::sandbox
