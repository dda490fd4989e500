// Rate limits as a client sees them: X-RateLimit-* on every response of a limited route, 429 with
// Retry-After and the JSON body at the configured limit, per key and per client IP.
#include <gtest/gtest.h>

#include "support/sandbox_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;
using nlohmann::json;

std::int64_t header_int(const Reply& reply, const char* name) {
  const auto value = reply.header(name);
  if (!value) throw std::runtime_error(std::string("missing header ") + name);
  return std::stoll(*value);
}

TEST(RateLimits, ApiKeyLimitCountsDownThenRefusesWithRetryAfter) {
  SandboxOptions options;
  options.rate_limit_api = "5/3600";
  Sandbox sb(options);
  const auto key = sb.key("pro_active");
  HttpConnection connection(sb.port());
  std::int64_t reset = 0;
  for (int i = 0; i < 5; ++i) {
    const auto reply = connection.send("GET", "/api/v1/entitlement", {}, {{"x-api-key", key}});
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(header_int(reply, "X-RateLimit-Limit"), 5);
    EXPECT_EQ(header_int(reply, "X-RateLimit-Remaining"), 4 - i);
    reset = header_int(reply, "X-RateLimit-Reset");
  }
  const auto now = unix_now();
  EXPECT_GT(reset, now);
  EXPECT_LE(reset, now + 3600);
  EXPECT_EQ(reset % 3600, 0) << "fixed windows end on window boundaries";

  const auto refused = connection.send("POST", "/api/v1/fix-attempts", "{}", {{"x-api-key", key}});
  ASSERT_EQ(refused.status, 429);
  const auto retry_after = header_int(refused, "Retry-After");
  EXPECT_NEAR(static_cast<double>(retry_after), static_cast<double>(reset - unix_now()), 2.0);
  EXPECT_EQ(header_int(refused, "X-RateLimit-Remaining"), 0);
  EXPECT_EQ(header_int(refused, "X-RateLimit-Reset"), reset);
  const auto body = refused.json();
  EXPECT_EQ(body.at("error"), "rate_limited");
  EXPECT_EQ(body.at("retry_after"), retry_after);
  EXPECT_EQ(body.at("message"), "Too many requests. Try again in " + std::to_string(retry_after) + " seconds.");

  // Another key has its own window; routes without a key are not limited.
  EXPECT_EQ(sb.get("/api/v1/entitlement", sb.key("payg")).status, 200);
  EXPECT_EQ(sb.get("/api/health").status, 200);
  EXPECT_FALSE(sb.get("/api/health").header("X-RateLimit-Limit").has_value());
  EXPECT_NE(sb.get("/metrics").body.find(R"(rsolv_sandbox_rate_limited_total{limit="api"} 1)"), std::string::npos);
}

TEST(RateLimits, TheDefaultApiLimitTriggersAtFiveHundredPerHour) {
  SandboxOptions options;
  options.rate_limit_api.clear();  // the server's default
  Sandbox sb(options);
  HttpConnection connection(sb.port());
  const auto key = sb.key("trial_no_billing");
  int ok = 0;
  int first_refused = 0;
  for (int i = 1; i <= 520 && first_refused == 0; ++i) {
    const auto reply = connection.send("GET", "/api/v1/customers/me", {}, {{"x-api-key", key}});
    if (reply.status == 200) ++ok;
    if (reply.status == 429) first_refused = i;
  }
  EXPECT_EQ(ok, 500);
  EXPECT_EQ(first_refused, 501);
}

TEST(RateLimits, OnboardingIsLimitedPerClientIpWhateverTheOutcome) {
  SandboxOptions options;
  options.rate_limit_onboard = "3/60";
  Sandbox sb(options);
  const auto created = sb.post("/api/v1/customers/onboard",
                               json{{"name", "A"}, {"email", unique_id("rl-") + "@example.com"}}.dump());
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(header_int(created, "X-RateLimit-Limit"), 3);
  EXPECT_EQ(header_int(created, "X-RateLimit-Remaining"), 2);
  const auto invalid = sb.post("/api/v1/customers/onboard", R"({"name":"B","email":"nope"})");
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(header_int(invalid, "X-RateLimit-Remaining"), 1);
  EXPECT_EQ(sb.post("/api/v1/customers/onboard", "not json").status, 400);
  const auto refused = sb.post("/api/v1/customers/onboard",
                               json{{"name", "C"}, {"email", unique_id("rl-") + "@example.com"}}.dump());
  EXPECT_EQ(refused.status, 429);
  EXPECT_GE(header_int(refused, "Retry-After"), 1);
  EXPECT_LE(header_int(refused, "Retry-After"), 60);
  EXPECT_EQ(refused.json().at("error"), "rate_limited");
}

}  // namespace
}  // namespace rsolv::sandbox
