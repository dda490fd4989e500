// Fix attempts and fix deployments: a merged fix is billed exactly once, whatever the retries.
#include <regex>

#include "operations.hpp"
#include "rsolv/sandbox/platform.hpp"

namespace rsolv::sandbox {

using namespace ops;

namespace {

constexpr std::int64_t kIdempotencyWindowSeconds = 24 * 3600;

std::optional<ApiResult> invalid_pr_fields(const nlohmann::json& request, bool require_commit) {
  static const std::regex name(R"([A-Za-z0-9_.\-]{1,100})");
  static const std::regex sha(R"([0-9a-fA-F]{7,64})");
  const auto bad = [](std::string_view field, std::string_view why) {
    return error_result(422, "invalid_" + std::string(field), std::string(field) + " " + std::string(why));
  };
  for (const char* field : {"github_org", "repo_name"}) {
    if (!request.contains(field) || !request[field].is_string() || !std::regex_match(request[field].get<std::string>(), name)) {
      return bad(field, "is required: 1-100 characters of letters, digits, '-', '_' or '.'.");
    }
  }
  // GitHub numbers fit PostgreSQL's integer column, as on the platform; a bigger one (2^63 would
  // wrap to a negative int64 here) is a client bug or an attack, not a pull request.
  constexpr std::int64_t kMaxNumber = 2147483647;
  const auto in_range = [&](const nlohmann::json& value) {
    return value.is_number_integer() && value >= 1 && value <= kMaxNumber;
  };
  if (!request.contains("pr_number") || !in_range(request["pr_number"])) {
    return bad("pr_number", "is required: a positive integer up to 2147483647.");
  }
  if (request.contains("issue_number") && !request["issue_number"].is_null() && !in_range(request["issue_number"])) {
    return bad("issue_number", "must be a positive integer up to 2147483647.");
  }
  if (request.contains("pr_url") && !request["pr_url"].is_null() &&
      (!request["pr_url"].is_string() || !request["pr_url"].get<std::string>().starts_with("https://") ||
       request["pr_url"].get<std::string>().size() > 500)) {
    return bad("pr_url", "must be an https:// URL.");
  }
  const bool has_commit = request.contains("commit_sha") && !request["commit_sha"].is_null();
  if ((require_commit || has_commit) &&
      (!has_commit || !request["commit_sha"].is_string() || !std::regex_match(request["commit_sha"].get<std::string>(), sha))) {
    return bad("commit_sha", require_commit ? "is required: 7-64 hex characters." : "must be 7-64 hex characters.");
  }
  if (request.contains("merged_at") && !request["merged_at"].is_null() && !request["merged_at"].is_string()) {
    return bad("merged_at", "must be an ISO 8601 timestamp string.");
  }
  return std::nullopt;
}

std::optional<std::string> optional_string(const nlohmann::json& request, const char* field) {
  if (!request.contains(field) || !request[field].is_string()) return std::nullopt;
  return request[field].get<std::string>();
}

struct Attempt {
  std::int64_t id = 0;
  std::string billing_status;
};

std::optional<Attempt> find_attempt(Connection& db, std::int64_t customer, const nlohmann::json& request) {
  Statement query(db,
                  "SELECT id, billing_status FROM fix_attempts WHERE customer_id = ?1 AND github_org = ?2 "
                  "AND repo_name = ?3 AND pr_number = ?4");
  query.bind(1, customer).bind(2, request["github_org"].get<std::string>()).bind(3, request["repo_name"].get<std::string>());
  query.bind(4, request["pr_number"].get<std::int64_t>());
  if (!query.step()) return std::nullopt;
  return Attempt{query.int64(0), query.text(1)};
}

std::int64_t insert_attempt(Env& env, std::int64_t customer, const nlohmann::json& request) {
  Statement insert(env.db,
                   "INSERT INTO fix_attempts (customer_id, github_org, repo_name, pr_number, issue_number, pr_url, "
                   "commit_sha, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  insert.bind(1, customer).bind(2, request["github_org"].get<std::string>()).bind(3, request["repo_name"].get<std::string>());
  insert.bind(4, request["pr_number"].get<std::int64_t>());
  if (request.contains("issue_number") && request["issue_number"].is_number_integer()) {
    insert.bind(5, request["issue_number"].get<std::int64_t>());
  } else {
    insert.bind_null(5);
  }
  insert.bind(6, optional_string(request, "pr_url")).bind(7, optional_string(request, "commit_sha")).bind(8, env.now());
  insert.run();
  return env.db.last_insert_id();
}

}  // namespace

ApiResult Platform::create_fix_attempt(CustomerId customer, std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<ApiResult>(&parsed)) return *error;
  const auto& request = std::get<nlohmann::json>(parsed);
  if (auto error = invalid_pr_fields(request, false)) return *error;
  CounterDelta delta;
  auto db = pool_->acquire();
  Env env{*db, config_, clock_, delta};
  try {
    Transaction transaction(*db);
    const auto id = insert_attempt(env, customer.value, request);
    transaction.commit();
    return json_result(201, {{"id", id}, {"status", "pending"}, {"billing_status", "not_billed"}});
  } catch (const DatabaseError& error) {
    if (!error.is_unique_violation()) throw;
    return error_result(409, "fix_attempt_exists", "A fix attempt for this organisation, repository and PR exists.");
  }
}

ApiResult Platform::fix_deployment(CustomerId customer, std::string_view body,
                                   std::optional<std::string_view> idempotency_key) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<ApiResult>(&parsed)) return *error;
  const auto& request = std::get<nlohmann::json>(parsed);
  if (idempotency_key && (idempotency_key->empty() || idempotency_key->size() > 255)) {
    return error_result(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 characters.");
  }
  if (auto error = invalid_pr_fields(request, true)) return *error;

  CounterDelta delta;
  auto db = pool_->acquire();
  Env env{*db, config_, clock_, delta};
  // One IMMEDIATE transaction: concurrent reports of the same PR or key queue here, and the
  // second one sees the first one's bill.
  Transaction transaction(*db);
  const auto request_hash = sha256_hex(body);
  if (idempotency_key) {
    Statement previous(*db,
                       "SELECT request_sha256, status, response_body, created_at FROM idempotency_keys "
                       "WHERE customer_id = ?1 AND key = ?2");
    previous.bind(1, customer.value).bind(2, *idempotency_key);
    if (previous.step()) {
      if (env.now() - previous.int64(3) < kIdempotencyWindowSeconds) {
        if (previous.text(0) != request_hash) {
          return error_result(422, "idempotency_key_reuse",
                              "This Idempotency-Key was used with a different request body.");
        }
        return ApiResult{static_cast<int>(previous.int64(1)), previous.text(2), {{"Idempotent-Replayed", "true"}}};
      }
      Statement expire(*db, "DELETE FROM idempotency_keys WHERE customer_id = ?1 AND key = ?2");
      expire.bind(1, customer.value).bind(2, *idempotency_key).run();
    }
  }

  const auto row = load_customer(*db, customer.value);
  if (!row) return error_result(401, "invalid_api_key", "Invalid or missing API key.");
  auto attempt = find_attempt(*db, customer.value, request);
  if (!attempt) attempt = Attempt{insert_attempt(env, customer.value, request), "not_billed"};

  ApiResult result;
  if (attempt->billing_status == "billed") {
    result = json_result(200, {{"outcome", "already_billed"},
                               {"amount_cents", 0},
                               {"credit_balance", row->credit_balance},
                               {"fix_attempt_id", attempt->id}});
  } else {
    const auto bill = bill_fix(env, *row, attempt->id);
    if (bill.status != 201) {
      add_counters(delta.counts);  // a declined charge is still worth counting
      return error_result(bill.status, bill.outcome, bill.message);  // rolls back: nothing changes
    }
    Statement merged(*db,
                     "UPDATE fix_attempts SET status = 'merged', billing_status = 'billed', amount_cents = ?1, "
                     "commit_sha = ?2, merged_at = ?3 WHERE id = ?4");
    merged.bind(1, bill.amount_cents).bind(2, request["commit_sha"].get<std::string>());
    merged.bind(3, optional_string(request, "merged_at")).bind(4, attempt->id).run();
    nlohmann::json answer = {{"outcome", bill.outcome},
                             {"amount_cents", bill.amount_cents},
                             {"credit_balance", load_customer(*db, customer.value)->credit_balance},
                             {"fix_attempt_id", attempt->id}};
    if (bill.charge_id) answer["charge_id"] = *bill.charge_id;
    result = json_result(201, answer);
  }
  // Only successes are remembered: a 402 must not be replayed after the customer adds billing.
  if (idempotency_key) {
    Statement remember(*db,
                       "INSERT INTO idempotency_keys (customer_id, key, request_sha256, status, response_body, created_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    remember.bind(1, customer.value).bind(2, *idempotency_key).bind(3, request_hash).bind(4, result.status);
    remember.bind(5, result.body).bind(6, env.now()).run();
    // Reclaim expired keys a few at a time, oldest first (rowids grow with time), so a long load
    // test does not grow the file without bound. Reading only the 8 oldest rows keeps this O(log n).
    Statement purge(*db,
                    "DELETE FROM idempotency_keys WHERE rowid IN "
                    "(SELECT rowid FROM idempotency_keys ORDER BY rowid LIMIT 8) AND created_at <= ?1");
    purge.bind(1, env.now() - kIdempotencyWindowSeconds).run();
  }
  transaction.commit();
  add_counters(delta.counts);
  return result;
}

}  // namespace rsolv::sandbox
