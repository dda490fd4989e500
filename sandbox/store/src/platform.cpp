// Platform construction, authentication, and the customer-facing read endpoints.
#include "rsolv/sandbox/platform.hpp"

#include <regex>

#include "operations.hpp"
#include "schema.hpp"

namespace rsolv::sandbox {

using namespace ops;

Platform::Platform(PlatformConfig config, Clock& clock)
    : config_(std::move(config)), clock_(clock) {
  {
    Connection migrator(config_.db_path);
    migrate(migrator);
  }
  pool_ = std::make_unique<ConnectionPool>(config_.db_path, config_.connections);
}

Platform::~Platform() = default;

std::optional<CustomerId> Platform::authenticate(std::string_view raw_api_key) {
  if (raw_api_key.empty()) return std::nullopt;
  auto db = pool_->acquire();
  Statement query(*db, "SELECT id FROM customers WHERE api_key_sha256 = ?1 AND api_key_revoked = 0");
  query.bind(1, sha256_hex(raw_api_key));
  if (!query.step()) return std::nullopt;
  return CustomerId{query.int64(0)};
}

bool Platform::revoke_api_key(CustomerId customer) {
  auto db = pool_->acquire();
  Statement update(*db, "UPDATE customers SET api_key_revoked = 1 WHERE id = ?1");
  update.bind(1, customer.value).run();
  return db->changes() == 1;
}

namespace {
// A Luhn-valid run of 13-19 digits (spaces or dashes allowed between them) is a card number: such
// text is refused rather than stored and echoed back (PCI DSS: no PAN outside the card vault).
bool contains_card_number(const std::string& text) {
  std::string digits;
  const auto luhn = [](const std::string& run) {
    int sum = 0;
    bool twice = false;
    for (auto it = run.rbegin(); it != run.rend(); ++it) {
      int digit = *it - '0';
      if (twice && (digit *= 2) > 9) digit -= 9;
      sum += digit;
      twice = !twice;
    }
    return sum % 10 == 0;
  };
  // Whole runs only: every long number contains some Luhn-valid slice by chance.
  const auto check = [&] { return digits.size() >= 13 && digits.size() <= 19 && luhn(digits); };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (!((c == ' ' || c == '-') && !digits.empty())) {
      if (check()) return true;
      digits.clear();
    }
  }
  return check();
}

bool valid_email(const std::string& email) {
  static const std::regex pattern(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+)");
  return email.size() <= 254 && std::regex_match(email, pattern);
}
}  // namespace

Result<Onboarded> Platform::onboard(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<Failure>(&parsed)) return *error;
  const auto& request = std::get<nlohmann::json>(parsed);
  if (!request.contains("name") || !request["name"].is_string() || request["name"].get<std::string>().empty() ||
      request["name"].get<std::string>().size() > 200) {
    return failure(FailureKind::invalid, ErrorCode::invalid_name,
                   "name is required: a non-empty string of at most 200 characters.");
  }
  if (contains_card_number(request["name"])) {
    return failure(FailureKind::invalid, ErrorCode::invalid_name, "name must not contain a payment card number.");
  }
  if (!request.contains("email") || !request["email"].is_string() || !valid_email(request["email"])) {
    return failure(FailureKind::invalid, ErrorCode::invalid_email, "email is required and must be a valid address.");
  }
  const auto api_key = new_api_key();
  CounterDelta delta;
  auto db = pool_->acquire();
  Env env{*db, config_, clock_, delta};
  std::int64_t id = 0;
  try {
    Transaction transaction(*db);
    id = insert_customer(env, request["name"], request["email"], sha256_hex(api_key));
    append_ledger(env, id, kSignupCredits, LedgerSource::trial_signup);
    transaction.commit();
  } catch (const DatabaseError& error) {
    if (error.is_unique_violation()) {
      return failure(FailureKind::conflict, ErrorCode::email_taken, "A customer with this email already exists.");
    }
    throw;
  }
  add_counters(delta.counts);
  return Onboarded{*load_customer(*db, id), api_key};
}

Result<Account> Platform::me(CustomerId customer) {
  auto db = pool_->acquire();
  const auto row = load_customer(*db, customer.value);
  if (!row) return unknown_api_key();
  return Account(*row);
}

Result<EntitlementView> Platform::entitlement(CustomerId customer) {
  auto db = pool_->acquire();
  const auto row = load_customer(*db, customer.value);
  if (!row) return unknown_api_key();
  return EntitlementView{entitlement_of(*row), *row};
}

Result<Credentials> Platform::exchange_credentials(CustomerId customer, std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<Failure>(&parsed)) return *error;
  const auto& request = std::get<nlohmann::json>(parsed);
  if (!request.contains("providers") || !request["providers"].is_array() || request["providers"].empty()) {
    return failure(FailureKind::malformed, ErrorCode::invalid_providers,
                   "providers must be a non-empty list of provider names.");
  }
  for (const auto& provider : request["providers"]) {
    if (!provider.is_string() || provider.get<std::string>().empty() || provider.get<std::string>().size() > 64) {
      return failure(FailureKind::malformed, ErrorCode::invalid_providers, "every provider must be a non-empty name.");
    }
  }
  std::int64_t ttl = 60;
  if (request.contains("ttl_minutes")) {
    if (!request["ttl_minutes"].is_number_integer() || request["ttl_minutes"] < 1 || request["ttl_minutes"] > 240) {
      return failure(FailureKind::malformed, ErrorCode::invalid_ttl, "ttl_minutes must be an integer between 1 and 240.");
    }
    ttl = request["ttl_minutes"];
  }
  auto db = pool_->acquire();
  const auto row = load_customer(*db, customer.value);
  if (!row) return unknown_api_key();
  const auto rights = entitlement_of(*row);
  if (!rights.entitled) {
    return failure(FailureKind::forbidden, ErrorCode::usage_limit_exceeded,
                   rights.reason == EntitlementReason::payment_past_due ? "Payment is past due; update the payment method."
                                                                        : "No credits left and no billing on file.");
  }
  Credentials credentials;
  credentials.expires_at = clock_.unix_seconds() + ttl * 60;
  credentials.remaining_fixes = row->credit_balance;
  credentials.reason = rights.reason;
  for (const auto& provider : request["providers"]) {
    // Placeholders: the sandbox vends nothing usable, only the shape the action expects.
    credentials.api_keys.emplace_back(provider.get<std::string>(), random_id("sandbox_placeholder_"));
  }
  return credentials;
}

Result<Transactions> Platform::transactions(CustomerId customer) {
  auto db = pool_->acquire();
  const auto row = load_customer(*db, customer.value);
  if (!row) return unknown_api_key();
  Statement query(*db,
                  "SELECT id, amount, balance_after, source, metadata, created_at FROM credit_ledger "
                  "WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1000");
  query.bind(1, customer.value);
  Transactions result{row->credit_balance, {}};
  while (query.step()) {
    // The schema's CHECK admits only the values parse_ledger_source knows.
    const auto source = parse_ledger_source(query.text(3)).value_or(LedgerSource::seed);
    result.entries.push_back(
        LedgerEntry{query.int64(0), query.int64(1), query.int64(2), source, query.text(4), query.int64(5)});
  }
  return result;
}

void Platform::add_counters(const PlatformCounters& delta) {
  std::lock_guard lock(counters_mutex_);
  for (const auto& [key, n] : delta.webhooks) counters_.webhooks[key] += n;
  for (const auto& [source, n] : delta.credits_granted) counters_.credits_granted[source] += n;
  counters_.credits_consumed += delta.credits_consumed;
  for (const auto& [outcome, n] : delta.charges) counters_.charges[outcome] += n;
}

PlatformCounters Platform::counters() const {
  std::lock_guard lock(counters_mutex_);
  return counters_;
}

}  // namespace rsolv::sandbox
