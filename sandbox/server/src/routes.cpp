#include "rsolv/sandbox/server/routes.hpp"

#include <array>

#include "rsolv/http/url.hpp"

namespace rsolv::sandbox::server {

namespace {

struct RouteEntry {
  std::string_view method;
  std::size_t path;
  Endpoint endpoint;
};

// Index-aligned with kAllow; "unmatched" is last.
constexpr std::array<std::string_view, 13> kLabels = {
    "/api/health",
    "/api/v1/customers/onboard",
    "/api/v1/customers/me",
    "/api/v1/entitlement",
    "/api/v1/credentials/exchange",
    "/api/v1/billing/payment-methods",
    "/api/v1/billing/subscription",
    "/api/v1/fix-attempts",
    "/api/v1/fix-deployments",
    "/api/v1/credits/transactions",
    "/api/webhooks/stripe",
    "/metrics",
    "unmatched",
};

constexpr std::array<std::string_view, 12> kAllow = {
    "GET", "POST", "GET", "GET", "POST", "POST", "POST, DELETE", "POST", "POST", "GET", "POST", "GET",
};

constexpr std::array<RouteEntry, 13> kRoutes = {{
    {"GET", 0, Endpoint::health},
    {"POST", 1, Endpoint::onboard},
    {"GET", 2, Endpoint::me},
    {"GET", 3, Endpoint::entitlement},
    {"POST", 4, Endpoint::credentials_exchange},
    {"POST", 5, Endpoint::payment_methods},
    {"POST", 6, Endpoint::subscription_create},
    {"DELETE", 6, Endpoint::subscription_cancel},
    {"POST", 7, Endpoint::fix_attempts},
    {"POST", 8, Endpoint::fix_deployments},
    {"GET", 9, Endpoint::transactions},
    {"POST", 10, Endpoint::stripe_webhook},
    {"GET", 11, Endpoint::metrics},
}};

}  // namespace

std::span<const std::string_view> route_labels() { return kLabels; }
std::size_t unmatched_route() { return kLabels.size() - 1; }

bool requires_api_key(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::health:
    case Endpoint::onboard:
    case Endpoint::stripe_webhook:
    case Endpoint::metrics:
      return false;
    default:
      return true;
  }
}

RouteMatch match_route(std::string_view method, std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (std::size_t i = 0; i + 1 < kLabels.size(); ++i) {
    if (kLabels[i] != path) continue;
    RouteMatch match{i, std::nullopt, kAllow[i]};
    for (const auto& route : kRoutes) {
      if (route.path == i && route.method == method) match.endpoint = route.endpoint;
    }
    return match;
  }
  return RouteMatch{unmatched_route(), std::nullopt, {}};
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (http::percent_decode(pair.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? std::string() : http::percent_decode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace rsolv::sandbox::server
