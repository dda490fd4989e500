// Fix attempts and fix deployments: a merged fix is billed exactly once, whatever the retries.
#include <regex>

#include "operations.hpp"
#include "rsolv/sandbox/platform.hpp"

namespace rsolv::sandbox {

using namespace ops;

namespace {

constexpr std::int64_t kIdempotencyWindowSeconds = 24 * 3600;

// The refusal of a bad field: error invalid_<field>, message "<field> <why>".
Failure bad_field(ErrorCode code, std::string_view why) {
  const auto field = to_string(code).substr(std::string_view("invalid_").size());
  return failure(FailureKind::invalid, code, std::string(field) + " " + std::string(why));
}

std::optional<Failure> invalid_pr_fields(const nlohmann::json& request, bool require_commit) {
  static const std::regex name(R"([A-Za-z0-9_.\-]{1,100})");
  static const std::regex sha(R"([0-9a-fA-F]{7,64})");
  for (const auto code : {ErrorCode::invalid_github_org, ErrorCode::invalid_repo_name}) {
    const std::string field(to_string(code).substr(std::string_view("invalid_").size()));
    if (!request.contains(field) || !request[field].is_string() || !std::regex_match(request[field].get<std::string>(), name)) {
      return bad_field(code, "is required: 1-100 characters of letters, digits, '-', '_' or '.'.");
    }
  }
  // GitHub numbers fit PostgreSQL's integer column, as on the platform; a bigger one (2^63 would
  // wrap to a negative int64 here) is a client bug or an attack, not a pull request.
  constexpr std::int64_t kMaxNumber = 2147483647;
  const auto in_range = [&](const nlohmann::json& value) {
    return value.is_number_integer() && value >= 1 && value <= kMaxNumber;
  };
  if (!request.contains("pr_number") || !in_range(request["pr_number"])) {
    return bad_field(ErrorCode::invalid_pr_number, "is required: a positive integer up to 2147483647.");
  }
  if (request.contains("issue_number") && !request["issue_number"].is_null() && !in_range(request["issue_number"])) {
    return bad_field(ErrorCode::invalid_issue_number, "must be a positive integer up to 2147483647.");
  }
  if (request.contains("pr_url") && !request["pr_url"].is_null() &&
      (!request["pr_url"].is_string() || !request["pr_url"].get<std::string>().starts_with("https://") ||
       request["pr_url"].get<std::string>().size() > 500)) {
    return bad_field(ErrorCode::invalid_pr_url, "must be an https:// URL.");
  }
  const bool has_commit = request.contains("commit_sha") && !request["commit_sha"].is_null();
  if ((require_commit || has_commit) &&
      (!has_commit || !request["commit_sha"].is_string() || !std::regex_match(request["commit_sha"].get<std::string>(), sha))) {
    return bad_field(ErrorCode::invalid_commit_sha,
                     require_commit ? "is required: 7-64 hex characters." : "must be 7-64 hex characters.");
  }
  if (request.contains("merged_at") && !request["merged_at"].is_null() && !request["merged_at"].is_string()) {
    return bad_field(ErrorCode::invalid_merged_at, "must be an ISO 8601 timestamp string.");
  }
  return std::nullopt;
}

std::optional<std::string> optional_string(const nlohmann::json& request, const char* field) {
  if (!request.contains(field) || !request[field].is_string()) return std::nullopt;
  return request[field].get<std::string>();
}

struct Attempt {
  std::int64_t id = 0;
  BillingStatus billing_status = BillingStatus::not_billed;
};

std::optional<Attempt> find_attempt(Connection& db, std::int64_t customer, const nlohmann::json& request) {
  Statement query(db,
                  "SELECT id, billing_status FROM fix_attempts WHERE customer_id = ?1 AND github_org = ?2 "
                  "AND repo_name = ?3 AND pr_number = ?4");
  query.bind(1, customer).bind(2, request["github_org"].get<std::string>()).bind(3, request["repo_name"].get<std::string>());
  query.bind(4, request["pr_number"].get<std::int64_t>());
  if (!query.step()) return std::nullopt;
  // The schema's CHECK admits only the values parse_billing_status knows.
  return Attempt{query.int64(0), parse_billing_status(query.text(1)).value_or(BillingStatus::not_billed)};
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

// An idempotency key's memory: the first answer's fields (the same JSON as that answer's body,
// which is what older versions stored) and, in the status column, the HTTP status the contract gives
// the outcome, which older versions replayed from.
std::string deployment_record(const FixDeployment& result) {
  nlohmann::json record = {{"outcome", to_string(result.outcome)},
                           {"amount_cents", result.amount_cents},
                           {"credit_balance", result.credit_balance},
                           {"fix_attempt_id", result.fix_attempt_id}};
  if (result.charge_id) record["charge_id"] = *result.charge_id;
  return record.dump();
}

std::int64_t deployment_record_status(const FixDeployment& result) {
  return result.outcome == FixOutcome::already_billed ? 200 : 201;
}

FixDeployment parse_deployment_record(const std::string& text) {
  const auto record = nlohmann::json::parse(text);
  FixDeployment result;
  const auto outcome = parse_fix_outcome(record.at("outcome").get<std::string>());
  if (!outcome) throw Error("idempotency_keys: unknown outcome in a stored answer");
  result.outcome = *outcome;
  result.amount_cents = record.at("amount_cents").get<std::int64_t>();
  result.credit_balance = record.at("credit_balance").get<std::int64_t>();
  result.fix_attempt_id = record.at("fix_attempt_id").get<std::int64_t>();
  if (record.contains("charge_id")) result.charge_id = record["charge_id"].get<std::string>();
  result.replayed = true;
  return result;
}

// The remembered answer to this key within the window, or the refusal of a different body under
// it; nullopt when the key is new (an expired one is forgotten here).
std::optional<Result<FixDeployment>> replay(Env& env, std::int64_t customer, std::string_view key,
                                            const std::string& request_hash) {
  Statement previous(env.db,
                     "SELECT request_sha256, response_body, created_at FROM idempotency_keys "
                     "WHERE customer_id = ?1 AND key = ?2");
  previous.bind(1, customer).bind(2, key);
  if (!previous.step()) return std::nullopt;
  if (env.now() - previous.int64(2) < kIdempotencyWindowSeconds) {
    if (previous.text(0) != request_hash) {
      return failure(FailureKind::invalid, ErrorCode::idempotency_key_reuse,
                     "This Idempotency-Key was used with a different request body.");
    }
    return parse_deployment_record(previous.text(1));
  }
  Statement expire(env.db, "DELETE FROM idempotency_keys WHERE customer_id = ?1 AND key = ?2");
  expire.bind(1, customer).bind(2, key).run();
  return std::nullopt;
}

// Remembers a success under its key, and reclaims expired keys a few at a time, oldest first
// (rowids grow with time), so a long load test does not grow the file without bound. Reading
// only the 8 oldest rows keeps this O(log n).
void remember(Env& env, std::int64_t customer, std::string_view key, const std::string& request_hash,
              const FixDeployment& result) {
  Statement remember(env.db,
                     "INSERT INTO idempotency_keys (customer_id, key, request_sha256, status, response_body, created_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  remember.bind(1, customer).bind(2, key).bind(3, request_hash).bind(4, deployment_record_status(result));
  remember.bind(5, deployment_record(result)).bind(6, env.now()).run();
  Statement purge(env.db,
                  "DELETE FROM idempotency_keys WHERE rowid IN "
                  "(SELECT rowid FROM idempotency_keys ORDER BY rowid LIMIT 8) AND created_at <= ?1");
  purge.bind(1, env.now() - kIdempotencyWindowSeconds).run();
}

// Bills the attempt once: an attempt already billed answers already_billed; otherwise it is paid
// for (bill_fix) and marked merged with the reported commit.
Result<FixDeployment> bill_attempt(Env& env, const Customer& customer, const Attempt& attempt,
                                   const nlohmann::json& request) {
  if (attempt.billing_status == BillingStatus::billed) {
    return FixDeployment{FixOutcome::already_billed, 0, customer.credit_balance, attempt.id, std::nullopt, false};
  }
  auto billed = bill_fix(env, customer, attempt.id);
  if (auto* refused = std::get_if<Failure>(&billed)) return std::move(*refused);
  const auto& bill = std::get<Bill>(billed);
  Statement merged(env.db,
                   "UPDATE fix_attempts SET status = ?1, billing_status = ?2, amount_cents = ?3, "
                   "commit_sha = ?4, merged_at = ?5 WHERE id = ?6");
  merged.bind(1, to_string(FixStatus::merged)).bind(2, to_string(BillingStatus::billed)).bind(3, bill.amount_cents);
  merged.bind(4, request["commit_sha"].get<std::string>()).bind(5, optional_string(request, "merged_at"));
  merged.bind(6, attempt.id).run();
  return FixDeployment{bill.outcome, bill.amount_cents, load_customer(env.db, customer.id)->credit_balance,
                       attempt.id, bill.charge_id, false};
}

}  // namespace

Result<FixAttemptCreated> Platform::create_fix_attempt(CustomerId customer, std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<Failure>(&parsed)) return *error;
  const auto& request = std::get<nlohmann::json>(parsed);
  if (auto error = invalid_pr_fields(request, false)) return *error;
  CounterDelta delta;
  auto db = pool_->acquire();
  Env env{*db, config_, clock_, delta};
  try {
    Transaction transaction(*db);
    const auto id = insert_attempt(env, customer.value, request);
    transaction.commit();
    return FixAttemptCreated{id, FixStatus::pending, BillingStatus::not_billed};
  } catch (const DatabaseError& error) {
    if (!error.is_unique_violation()) throw;
    return failure(FailureKind::conflict, ErrorCode::fix_attempt_exists,
                   "A fix attempt for this organisation, repository and PR exists.");
  }
}

Result<FixDeployment> Platform::fix_deployment(CustomerId customer, std::string_view body,
                                               std::optional<std::string_view> idempotency_key) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<Failure>(&parsed)) return *error;
  const auto& request = std::get<nlohmann::json>(parsed);
  if (idempotency_key && (idempotency_key->empty() || idempotency_key->size() > 255)) {
    return failure(FailureKind::malformed, ErrorCode::invalid_idempotency_key,
                   "Idempotency-Key must be 1 to 255 characters.");
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
    if (auto remembered = replay(env, customer.value, *idempotency_key, request_hash)) return std::move(*remembered);
  }
  const auto row = load_customer(*db, customer.value);
  if (!row) return unknown_api_key();
  auto attempt = find_attempt(*db, customer.value, request);
  if (!attempt) attempt = Attempt{insert_attempt(env, customer.value, request), BillingStatus::not_billed};

  auto result = bill_attempt(env, *row, *attempt, request);
  if (std::holds_alternative<Failure>(result)) {
    add_counters(delta.counts);  // a declined charge is still worth counting
    return result;               // rolls back: nothing changes
  }
  // Only successes are remembered: a 402 must not be replayed after the customer adds billing.
  if (idempotency_key) remember(env, customer.value, *idempotency_key, request_hash, std::get<FixDeployment>(result));
  transaction.commit();
  add_counters(delta.counts);
  return result;
}

}  // namespace rsolv::sandbox
