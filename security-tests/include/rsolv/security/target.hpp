#pragma once
// TARGET.yaml: what rsolv-security may probe and how. Values may use ${env.NAME:-default}.
//
//   base_url: ${env.RSOLV_TARGET:-http://127.0.0.1:4000}
//   allow_hosts: [127.0.0.1, localhost]          # default: loopback only
//   ca_file: ${env.RSOLV_CA_FILE:-}              # extra trusted CA (PEM) for https with a private CA
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
//   bola:                                        # the second customer must not reach the first one's objects
//     - {name: fix-attempt, plant: {method: POST, path: /api/v1/fix-attempts, body: {repo_name: "r-${marker}", ...}},
//        access: {method: GET, path: "/api/v1/fix-attempts/{id}"}, watch: {path: /api/v1/customers/me, field: /credit_balance}}
//   race:                                        # copies released together take effect once
//     - {name: report, request: {method: POST, path: /api/v1/fix-deployments, body: {...},
//        headers: {Idempotency-Key: "race-${marker}"}}, copies: 20, watch: {path: /api/v1/credits/transactions, field: /transactions}}
//     - {name: invoice, webhook: invoice.payment_succeeded, copies: 20}
//   business_logic:                              # absurd values refused; an idempotency key bound to its body
//     - {name: report, request: {...}, fields: [/pr_number], idempotency_header: Idempotency-Key}
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
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

// A request as the target file declares it, for the bola, race and business-logic suites. In the
// path, header values and body strings, `${marker}` becomes the check's fresh random token (the
// same in every request of one sample), `{id}` the id of the object the check planted and
// `{owner.id}` the id of the api_key's customer; `${uuid}` becomes a fresh UUID per request.
struct RequestSpec {
  std::string method = "GET";
  std::string path;
  bool auth = true;  // sends the check's API key
  nlohmann::json body;  // null: no body
  std::vector<std::pair<std::string, std::string>> headers;
};

// A number of the api_key's account that shows whether a request took effect: `field` is a JSON
// pointer into the answer to GET `path`; an array counts its elements (the ledger's rows).
struct Watch {
  std::string path = "/api/v1/customers/me";
  std::string field = "/credit_balance";
};

// One object of the first customer (api_key) that the second one (second_api_key) must not read
// or change through `access`: a read leaks when the answer carries the object's marker or the
// owner's e-mail without the request having sent it; a write when the owner's `watch` moves.
struct BolaTarget {
  std::string name;
  std::string owner = "/api/v1/customers/me";  // GET with api_key: the owner's id ({owner.id}) and e-mail
  std::optional<RequestSpec> plant;  // sent as the owner first; its answer's `id` becomes {id}
  RequestSpec access;                // sent as the other customer
  std::optional<Watch> watch;
};

// `copies` identical requests (or signed webhook deliveries) released together on pre-opened
// connections must move `watch` as much as one request does.
struct RaceTarget {
  std::string name;
  std::optional<RequestSpec> request;
  std::string webhook_event;  // "invoice.payment_succeeded": a signed Pro invoice for the api_key's customer
  int copies = 20;
  Watch watch;
};

// Absurd values must be refused: negative, zero, huge (beyond 64 bits) and fractional numbers in
// `fields` (JSON pointers into the body); and an idempotency key replayed with another body too.
struct BusinessLogicTarget {
  std::string name;
  RequestSpec request;  // a valid request, the control
  std::vector<std::string> fields;
  std::vector<std::string> values = {"negative", "zero", "huge", "fractional"};
  std::string idempotency_header;  // empty: no idempotency check
  std::optional<Watch> watch;
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
  std::string ca_file;  // PEM bundle trusted besides the system's, for an https target with a private CA
  Secret api_key, second_api_key, revoked_api_key, webhook_secret;
  std::vector<Endpoint> endpoints;
  std::optional<WebhookTarget> webhook;
  std::vector<LimitTarget> limits;
  std::vector<std::string> logs;
  PreflightTarget preflight;
  std::vector<MassAssignmentTarget> mass_assignment;
  std::vector<BolaTarget> bola;
  std::vector<RaceTarget> race;
  std::vector<BusinessLogicTarget> business_logic;

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
