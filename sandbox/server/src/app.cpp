#include "rsolv/sandbox/server/app.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>

#include "rsolv/common/digest.hpp"
#include "rsolv/report/prometheus.hpp"
#include "rsolv/sandbox/database.hpp"

namespace rsolv::sandbox::server {

namespace {

void add_rate_headers(HttpResponse& response, const RateDecision& decision) {
  response.headers.emplace_back("X-RateLimit-Limit", std::to_string(decision.limit));
  response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(decision.remaining));
  response.headers.emplace_back("X-RateLimit-Reset", std::to_string(decision.reset_unix));
}

// Account data (keys, balances, ledgers) must not land in a shared or browser cache (PCI DSS 3.x).
void forbid_caching(HttpResponse& response) { response.headers.emplace_back("Cache-Control", "no-store"); }

HttpResponse rate_limited(const RateDecision& decision) {
  const nlohmann::json body = {
      {"error", "rate_limited"},
      {"message", "Too many requests. Try again in " + std::to_string(decision.retry_after) + " seconds."},
      {"retry_after", decision.retry_after},
  };
  HttpResponse response;
  response.status = 429;
  response.body = body.dump();
  response.headers.emplace_back("Retry-After", std::to_string(decision.retry_after));
  add_rate_headers(response, decision);
  return response;
}

}  // namespace

App::App(Platform& platform, AppOptions options, const Clock& clock)
    : platform_(platform),
      api_(platform),
      options_(std::move(options)),
      clock_(clock),
      onboard_limiter_(options_.onboard, clock),
      api_limiter_(options_.api, clock),
      auth_cache_(options_.auth_cache_ttl, clock) {
  if (options_.access_log && !options_.access_log->empty()) {
    access_log_ = std::make_unique<AccessLog>(*options_.access_log);
  }
}

HttpResponse App::handle(const HttpRequest& request) {
  const auto [path, query] = split_target(request.target);
  const RouteMatch match = match_route(request.method, path);
  HttpResponse response;
  if (match.route == unmatched_route()) {
    response = json_error(404, "not_found", "No route matches this path. See GET /api/health for liveness.");
  } else if (!match.endpoint) {
    response = json_error(405, "method_not_allowed", "This route allows " + std::string(match.allow) + ".");
    response.headers.emplace_back("Allow", std::string(match.allow));
  } else {
    try {
      response = dispatch(*match.endpoint, request, query);
    } catch (const DatabaseError& error) {
      const int primary = error.code() & 0xff;
      if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        response = json_error(503, "busy", "The database is busy. Retry shortly.");
        response.headers.emplace_back("Retry-After", "1");
      } else {
        std::fprintf(stderr, "rsolv-sandbox: error: %s\n", error.what());
        response = json_error(500, "internal_error", "The sandbox could not complete this request.");
      }
    } catch (const std::exception& error) {
      std::fprintf(stderr, "rsolv-sandbox: error: %s\n", error.what());
      response = json_error(500, "internal_error", "The sandbox could not complete this request.");
    }
  }
  response.route = match.route;
  return response;
}

HttpResponse App::dispatch(Endpoint endpoint, const HttpRequest& request, std::string_view query) {
  switch (endpoint) {
    case Endpoint::health: {
      HttpResponse response;
      response.body = R"({"status":"ok"})";
      return response;
    }
    case Endpoint::metrics: {
      HttpResponse response;
      response.body = render_metrics();
      response.content_type = report::kPrometheusContentType;
      return response;
    }
    case Endpoint::onboard: {
      const RateDecision decision = onboard_limiter_.hit(request.client_ip);
      if (!decision.allowed) {
        metrics_.rate_limited(LimitKind::onboard);
        return rate_limited(decision);
      }
      HttpResponse response = api_.onboard(request.body);
      add_rate_headers(response, decision);
      forbid_caching(response);
      return response;
    }
    case Endpoint::stripe_webhook:
      return api_.stripe_webhook(request.body, request.header("Stripe-Signature").value_or(""));
    default:
      return authenticated(endpoint, request, query);
  }
}

HttpResponse App::authenticated(Endpoint endpoint, const HttpRequest& request, std::string_view query) {
  const auto key = request.header("x-api-key");
  if (!key || key->empty()) return json_error(401, "invalid_api_key", "Missing or unknown API key: send it in x-api-key.");
  // The auth cache and the per-key limiter are keyed by the digest: no raw key sits in memory maps.
  const std::string digest = sha256_bytes(*key);
  std::optional<CustomerId> customer;
  if (const auto cached = auth_cache_.find(digest)) {
    customer = CustomerId{*cached};
  } else {
    customer = platform_.authenticate(*key);
    if (customer) auth_cache_.remember(digest, customer->value);
  }
  if (!customer) return json_error(401, "invalid_api_key", "Missing or unknown API key: send it in x-api-key.");

  const RateDecision decision = api_limiter_.hit(digest);
  if (!decision.allowed) {
    metrics_.rate_limited(LimitKind::api);
    return rate_limited(decision);
  }

  HttpResponse response;
  switch (endpoint) {
    case Endpoint::me:
      response = api_.me(*customer);
      break;
    case Endpoint::entitlement:
      response = api_.entitlement(*customer);
      break;
    case Endpoint::credentials_exchange:
      response = api_.exchange_credentials(*customer, request.body);
      break;
    case Endpoint::payment_methods:
      response = api_.add_payment_method(*customer, request.body);
      break;
    case Endpoint::subscription_create:
      response = api_.create_subscription(*customer, request.body);
      break;
    case Endpoint::subscription_cancel: {
      const auto at_period_end = query_param(query, "at_period_end");
      if (at_period_end && *at_period_end != "true" && *at_period_end != "false") {
        response = json_error(400, "invalid_parameter", "at_period_end must be true or false.");
      } else {
        response = api_.cancel_subscription(*customer, at_period_end && *at_period_end == "true");
      }
      break;
    }
    case Endpoint::fix_attempts:
      response = api_.create_fix_attempt(*customer, request.body);
      break;
    case Endpoint::fix_deployments:
      response = api_.fix_deployment(*customer, request.body, request.header("Idempotency-Key"));
      break;
    case Endpoint::transactions:
      response = api_.transactions(*customer);
      break;
    default:
      response = json_error(500, "internal_error", "Unrouted endpoint.");
      break;
  }
  add_rate_headers(response, decision);
  forbid_caching(response);
  return response;
}

HttpResponse App::reject(std::string_view method, std::string_view target, int status, std::string_view code,
                         std::string_view message) {
  HttpResponse response = json_error(status, code, message);
  response.route = match_route(method, split_target(target).first).route;
  return response;
}

void App::on_connection_error(const std::exception& error) {
  std::fprintf(stderr, "rsolv-sandbox: error: a connection was closed after an internal error: %s\n", error.what());
}

void App::observe(const Observation& o) {
  const std::size_t route = o.route < route_labels().size() ? o.route : unmatched_route();
  metrics_.record(route, o.method, o.status, o.duration);
  if (access_log_) {
    access_log_->write(
        AccessRecord{clock_.now(), o.method, route_labels()[route], o.status, o.duration, o.bytes, o.client_ip, o.request_id});
  }
}

std::string App::render_metrics() const {
  report::PrometheusWriter out;
  metrics_.write(out);
  const PlatformCounters counters = platform_.counters();
  out.family("rsolv_sandbox_webhooks_total", "counter", "Stripe webhook deliveries by event type and outcome.");
  for (const auto& [key, value] : counters.webhooks) {
    out.sample("rsolv_sandbox_webhooks_total", {{"type", key.first}, {"outcome", key.second}},
               static_cast<double>(value));
  }
  out.family("rsolv_sandbox_credits_granted_total", "counter", "Credits added to ledgers, by ledger source.");
  for (const auto& [source, value] : counters.credits_granted) {
    out.sample("rsolv_sandbox_credits_granted_total", {{"source", std::string(to_string(source))}},
               static_cast<double>(value));
  }
  out.family("rsolv_sandbox_credits_consumed_total", "counter", "Credits consumed by fix deployments.");
  out.sample("rsolv_sandbox_credits_consumed_total", {}, static_cast<double>(counters.credits_consumed));
  out.family("rsolv_sandbox_charges_total", "counter", "Simulated card charges, by outcome.");
  for (const auto& [outcome, value] : counters.charges) {
    out.sample("rsolv_sandbox_charges_total", {{"outcome", outcome}}, static_cast<double>(value));
  }
  return out.str();
}

}  // namespace rsolv::sandbox::server
