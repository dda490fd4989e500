// Route matching and label hygiene: every spec route, 405 vs 404, query parsing, listen addresses.
#include <gtest/gtest.h>

#include "rsolv/common/error.hpp"
#include "rsolv/sandbox/server/listen_address.hpp"
#include "rsolv/sandbox/server/routes.hpp"

namespace rsolv::sandbox::server {
namespace {

TEST(Routes, EverySpecRouteMatchesItsMethod) {
  const std::vector<std::tuple<const char*, const char*, Endpoint>> table = {
      {"GET", "/api/health", Endpoint::health},
      {"POST", "/api/v1/customers/onboard", Endpoint::onboard},
      {"GET", "/api/v1/customers/me", Endpoint::me},
      {"GET", "/api/v1/entitlement", Endpoint::entitlement},
      {"POST", "/api/v1/credentials/exchange", Endpoint::credentials_exchange},
      {"POST", "/api/v1/billing/payment-methods", Endpoint::payment_methods},
      {"POST", "/api/v1/billing/subscription", Endpoint::subscription_create},
      {"DELETE", "/api/v1/billing/subscription", Endpoint::subscription_cancel},
      {"POST", "/api/v1/fix-attempts", Endpoint::fix_attempts},
      {"POST", "/api/v1/fix-deployments", Endpoint::fix_deployments},
      {"GET", "/api/v1/credits/transactions", Endpoint::transactions},
      {"POST", "/api/webhooks/stripe", Endpoint::stripe_webhook},
      {"GET", "/metrics", Endpoint::metrics},
  };
  for (const auto& [method, path, endpoint] : table) {
    const auto match = match_route(method, path);
    ASSERT_TRUE(match.endpoint.has_value()) << method << " " << path;
    EXPECT_EQ(*match.endpoint, endpoint);
    EXPECT_EQ(route_labels()[match.route], path);
  }
}

TEST(Routes, WrongMethodKeepsTheRouteAndNamesAllowedMethods) {
  const auto match = match_route("GET", "/api/v1/billing/subscription");
  EXPECT_FALSE(match.endpoint.has_value());
  EXPECT_EQ(route_labels()[match.route], "/api/v1/billing/subscription");
  EXPECT_EQ(match.allow, "POST, DELETE");
}

TEST(Routes, UnknownPathsShareOneLabel) {
  const auto a = match_route("GET", "/api/v1/customers/123");
  const auto b = match_route("GET", "/wp-admin");
  EXPECT_EQ(a.route, unmatched_route());
  EXPECT_EQ(b.route, unmatched_route());
  EXPECT_EQ(route_labels()[a.route], "unmatched");
}

TEST(Routes, TrailingSlashIsTheSameRoute) {
  EXPECT_TRUE(match_route("GET", "/api/health/").endpoint.has_value());
}

TEST(Routes, QueryParameters) {
  const auto [path, query] = split_target("/api/v1/billing/subscription?x=1&at_period_end=true");
  EXPECT_EQ(path, "/api/v1/billing/subscription");
  EXPECT_EQ(query_param(query, "at_period_end"), "true");
  EXPECT_EQ(query_param(query, "missing"), std::nullopt);
  EXPECT_EQ(query_param("a=%74rue+x", "a"), "true x");
}

TEST(ListenAddress, ParsesAndClassifies) {
  EXPECT_EQ(parse_listen_address("127.0.0.1:4000").port, 4000);
  EXPECT_TRUE(parse_listen_address("127.0.0.1:0").is_loopback());
  EXPECT_TRUE(parse_listen_address("localhost:80").is_loopback());
  EXPECT_TRUE(parse_listen_address("[::1]:4000").is_loopback());
  EXPECT_EQ(parse_listen_address("[::1]:4000").url(), "http://[::1]:4000");
  EXPECT_FALSE(parse_listen_address("0.0.0.0:4000").is_loopback());
  // The same rule as the other tools (rsolv::http::is_loopback_host): v4-mapped loopback is loopback.
  EXPECT_TRUE(parse_listen_address("[::ffff:127.0.0.1]:4000").is_loopback());
  EXPECT_FALSE(parse_listen_address("[::ffff:10.0.0.1]:4000").is_loopback());
  EXPECT_FALSE(parse_listen_address("[::]:4000").is_loopback());
  EXPECT_THROW(parse_listen_address("127.0.0.1"), UsageError);
  EXPECT_THROW(parse_listen_address("127.0.0.1:70000"), UsageError);
  EXPECT_THROW(parse_listen_address("example.com:80"), UsageError);
}

}  // namespace
}  // namespace rsolv::sandbox::server
