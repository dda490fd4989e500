#pragma once
// The route table of the platform contract. Metrics and the access log label requests with the
// route template (one of route_labels()), never with the raw path, so label cardinality is fixed.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rsolv::sandbox::server {

enum class Endpoint {
  health,
  onboard,
  me,
  entitlement,
  credentials_exchange,
  payment_methods,
  subscription_create,
  subscription_cancel,
  fix_attempts,
  fix_deployments,
  transactions,
  stripe_webhook,
  metrics,
};

struct RouteMatch {
  std::size_t route = 0;               // index into route_labels(); unmatched_route() when no path matched
  std::optional<Endpoint> endpoint;    // empty: path unknown (404) or method not allowed (405)
  std::string_view allow;              // methods of the path, for the Allow header of a 405
};

// Path templates, index-aligned with RouteMatch::route; the last one is "unmatched".
std::span<const std::string_view> route_labels();
std::size_t unmatched_route();
// True for routes that need x-api-key (the /api/v1/* routes other than onboarding).
bool requires_api_key(Endpoint endpoint);

// `path` without the query string; one trailing slash is ignored, as Phoenix does.
RouteMatch match_route(std::string_view method, std::string_view path);

// Splits an origin-form target into path and query ("/a?b=c" -> "/a", "b=c").
std::pair<std::string_view, std::string_view> split_target(std::string_view target);
// The percent-decoded value of `name` in a query string ('+' is a space); empty when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace rsolv::sandbox::server
