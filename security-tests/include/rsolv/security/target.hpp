#pragma once
// TARGET.yaml: what rsolv-security may probe and how. Values may use ${env.NAME:-default}.
//
//   base_url: ${env.RSOLV_TARGET:-http://127.0.0.1:4000}
//   allow_hosts: [127.0.0.1, localhost]          # default: loopback only
//   credentials:
//     api_key: ${env.RSOLV_API_KEY}              # a customer with billing on file
//     second_api_key: ${env.RSOLV_API_KEY_2:-}   # another customer: per-key limits must be separate
//     revoked_api_key: ${env.RSOLV_REVOKED_KEY:-}
//     webhook_secret: ${env.RSOLV_WEBHOOK_SECRET}
//   endpoints:
//     - {name: search, method: GET, path: /api/v1/search, auth: true,
//        query: {org: acme}, inputs: {query: [org]}, account_data: true}
//   webhook: {path: /api/webhooks/stripe, pro_price_id: price_pro_monthly, replay_probe: true,
//             balance_path: /api/v1/customers/me, max_body_bytes: 1048576}
//   limits:
//     - {name: api, method: GET, path: /api/v1/entitlement, auth: true, requests: 50, window_seconds: 3600,
//        per: api_key}
//   logs: [/var/log/platform/access.log]
//   preflight: {method: GET, path: /api/health, status: 200, json: {status: ok}}   # the default
//   mass_assignment:
//     - {name: onboard, path: /api/v1/customers/onboard, body: {name: P, email: "p-${uuid}@x.io"},
//        read: /api/v1/customers/me, key_field: api_key}   # fields: privileged values to try
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/common/secret.hpp"

namespace rsolv::security {

struct Inputs {
  std::vector<std::string> body;     // top-level JSON string fields to inject into
  std::vector<std::string> query;    // query parameters
  std::vector<std::string> headers;  // request headers
};

struct Endpoint {
  std::string name;
  std::string method = "GET";
  std::string path;
  bool auth = false;
  nlohmann::json body;                          // a valid request body (object) or null
  std::map<std::string, std::string> query;     // valid query parameters
  Inputs inputs;
  bool account_data = false;  // responses carry account data: must not be cacheable
  bool card_fields = false;   // the endpoint takes payment data: raw card fields must be refused
};

struct WebhookTarget {
  std::string path = "/api/webhooks/stripe";
  std::string pro_price_id = "price_pro_monthly";
  bool replay_probe = false;  // sends a real invoice.payment_succeeded twice (adds credits once)
  std::string balance_path = "/api/v1/customers/me";
  std::int64_t max_body_bytes = 1024 * 1024;
};

struct LimitTarget {
  std::string name;
  std::string method = "GET";
  std::string path;
  bool auth = false;
  nlohmann::json body;
  std::int64_t requests = 0;
  std::int64_t window_seconds = 0;
  std::string per = "api_key";  // api_key | ip
};

// A request that creates or updates an account, for the mass-assignment suite: sent with
// privileged fields added, after which `read` (GET, authenticated with the key the answer's
// `key_field` holds, or the api_key credential) must not show the injected values.
struct MassAssignmentTarget {
  std::string name;
  std::string method = "POST";
  std::string path;
  bool auth = false;
  nlohmann::json body = nlohmann::json::object();
  std::string read = "/api/v1/customers/me";
  std::string key_field;  // empty: read with the api_key credential
  nlohmann::json fields = {{"credit_balance", 1000000}, {"subscription_type", "pro"},
                           {"subscription_state", "active"}, {"has_billing", true}};
};

// The request that proves the target is the platform before any suite runs (preflight.hpp).
struct PreflightTarget {
  std::string method = "GET";
  std::string path = "/api/health";
  bool auth = false;
  long status = 200;
  nlohmann::json json = {{"status", "ok"}};  // top-level fields the answer must have (empty: any body)
};

struct Target {
  std::string file;
  std::string base_url_at;  // "file:line:col" of base_url, for refusals
  // Scheme, host, port and path prefix; never a query. A query in the file's base_url (an
  // `?api_key=${env.X}` some gateways want) is kept apart and appended to every request, and its
  // values are secrets: they are redacted wherever they would appear.
  std::string base_url;
  std::string base_query;  // without '?', empty when none
  std::vector<Secret> url_secrets;
  std::vector<std::string> allow_hosts;
  Secret api_key, second_api_key, revoked_api_key, webhook_secret;
  std::vector<Endpoint> endpoints;
  std::optional<WebhookTarget> webhook;
  std::vector<LimitTarget> limits;
  std::vector<std::string> logs;
  PreflightTarget preflight;
  std::vector<MassAssignmentTarget> mass_assignment;

  // Every secret of the target, for redaction.
  std::vector<Secret> secrets() const;
  // The URL a probe sends to: base_url + path_and_query, with base_query merged in.
  std::string url_for(const std::string& path_and_query) const;
  // "host" of base_url.
  std::string host() const;
};

// Throws config::ConfigError (file:line:col) for a malformed file.
Target load_target(const std::string& path);
Target parse_target(const std::string& text, const std::string& label);

// Refuses (with the file:line of base_url) a target whose host is not loopback, unless the file's
// allow_hosts lists it and --allow-host (`extra_allowed`) confirms it: neither alone is enough.
void check_host_allowed(const Target& target, const std::vector<std::string>& extra_allowed);

}  // namespace rsolv::security
