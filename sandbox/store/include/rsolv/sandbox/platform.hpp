#pragma once
// The RSOLV platform contract (docs/platform-contract.md) without HTTP: every endpoint is a
// method returning what happened (a result struct) or why not (a Failure); the server
// (sandbox/server, platform_api.hpp) turns these into status codes and JSON bodies. Thread-safe: the
// server's workers call it concurrently; the database (SQLite, WAL) serialises writers and its
// constraints keep balances non-negative, event ids and idempotency keys unique.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/secret.hpp"
#include "rsolv/sandbox/domain.hpp"

namespace rsolv::sandbox {

class ConnectionPool;

// What kind of refusal a Failure is; the server maps each kind to one HTTP status.
enum class FailureKind {
  malformed,         // the request cannot be read (not JSON, a field of the wrong shape)
  invalid,           // readable, but a value breaks a rule
  unauthenticated,   // no such API key, or a bad Stripe signature
  payment_required,  // no credit and no way to charge
  forbidden,         // the customer may not do this now
  not_found,         // the thing to act on does not exist
  conflict,          // it exists already
};

struct Failure {
  FailureKind kind = FailureKind::invalid;
  ErrorCode code = ErrorCode::invalid_json;
  std::string message;  // one sentence for the client; never holds a secret
};

// Every endpoint's answer: what happened, or why it did not.
template <class T>
using Result = std::variant<T, Failure>;

// A customer account as the contract shows it.
struct Account {
  std::int64_t id = 0;
  std::string name, email;
  std::int64_t credit_balance = 0;
  SubscriptionType subscription_type = SubscriptionType::trial;
  std::optional<SubscriptionState> subscription_state;
  bool cancel_at_period_end = false;
  bool has_billing = false;
  std::optional<std::string> stripe_customer_id;
  std::optional<std::string> stripe_subscription_id;
};

struct Onboarded {
  Account customer;
  std::string api_key;  // raw, shown once
};

struct Entitlement {
  bool entitled = false;
  EntitlementReason reason = EntitlementReason::credits;
  std::int64_t charge_per_fix_cents = 0;
};

struct EntitlementView {
  Entitlement entitlement;
  Account customer;
};

struct Credentials {
  std::vector<std::pair<std::string, std::string>> api_keys;  // provider, placeholder key (in request order)
  std::int64_t expires_at = 0;
  std::int64_t remaining_fixes = 0;
  EntitlementReason reason = EntitlementReason::credits;
};

struct PaymentMethodAdded {
  Account customer;
  std::string payment_method;
  std::int64_t credits_granted = 0;
};

struct SubscriptionCreated {
  std::string id;
  SubscriptionState status = SubscriptionState::incomplete;
  SubscriptionType plan = SubscriptionType::pro;
  std::string price_id;
  std::int64_t amount_cents = 0;
  Account customer;
};

struct SubscriptionCanceled {
  Account customer;
  bool at_period_end = false;  // false: canceled immediately
};

struct FixAttemptCreated {
  std::int64_t id = 0;
  FixStatus status = FixStatus::pending;
  BillingStatus billing_status = BillingStatus::not_billed;
};

struct FixDeployment {
  FixOutcome outcome = FixOutcome::credit_consumed;
  std::int64_t amount_cents = 0;
  std::int64_t credit_balance = 0;
  std::int64_t fix_attempt_id = 0;
  std::optional<std::string> charge_id;
  bool replayed = false;  // the remembered answer to an earlier request with this Idempotency-Key
};

struct LedgerEntry {
  std::int64_t id = 0;
  std::int64_t amount = 0;
  std::int64_t balance_after = 0;
  LedgerSource source = LedgerSource::trial_signup;
  std::string metadata;  // JSON text as stored
  std::int64_t created_at = 0;
};

struct Transactions {
  std::int64_t balance = 0;
  std::vector<LedgerEntry> entries;  // newest first, at most 1000
};

struct WebhookReceipt {
  WebhookOutcome status = WebhookOutcome::processed;
};

struct PlatformConfig {
  std::string db_path;
  std::vector<Secret> webhook_secrets;  // any verifies (secret rotation)
  std::string pro_price_id = "price_pro_monthly";
  std::int64_t webhook_tolerance_seconds = 300;
  std::size_t connections = 4;
};

struct CustomerId {
  std::int64_t value = 0;
};

// What /metrics reports about the business side. Updated after each commit.
struct PlatformCounters {
  std::map<std::pair<std::string, std::string>, std::int64_t> webhooks;  // (type, outcome)
  std::map<LedgerSource, std::int64_t> credits_granted;
  std::int64_t credits_consumed = 0;
  std::map<std::string, std::int64_t> charges;  // by outcome: succeeded, declined
};

struct SeededCustomer {
  std::string state;
  std::string api_key;  // raw, shown once: the seed command writes it to a 0600 file
  std::int64_t customer_id = 0;
  std::string email;
  std::optional<std::string> stripe_customer_id;
  std::int64_t credit_balance = 0;
};

// Prices and grants of the billing rules (docs/platform-contract.md#credits-and-prices).
inline constexpr std::int64_t kSignupCredits = 5;
inline constexpr std::int64_t kBillingAddedCredits = 5;
inline constexpr std::int64_t kProInvoiceCredits = 60;
inline constexpr std::int64_t kPaygPriceCents = 2900;
inline constexpr std::int64_t kProOveragePriceCents = 1500;
inline constexpr std::int64_t kProPlanCents = 59900;

class Platform {
 public:
  Platform(PlatformConfig config, Clock& clock);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // SHA-256 lookup of the raw key; revoked or unknown keys give nullopt.
  std::optional<CustomerId> authenticate(std::string_view raw_api_key);

  Result<Onboarded> onboard(std::string_view body);
  Result<Account> me(CustomerId customer);
  Result<EntitlementView> entitlement(CustomerId customer);
  Result<Credentials> exchange_credentials(CustomerId customer, std::string_view body);
  Result<PaymentMethodAdded> add_payment_method(CustomerId customer, std::string_view body);
  Result<SubscriptionCreated> create_subscription(CustomerId customer, std::string_view body);
  Result<SubscriptionCanceled> cancel_subscription(CustomerId customer, bool at_period_end);
  Result<FixAttemptCreated> create_fix_attempt(CustomerId customer, std::string_view body);
  Result<FixDeployment> fix_deployment(CustomerId customer, std::string_view body,
                                       std::optional<std::string_view> idempotency_key);
  Result<Transactions> transactions(CustomerId customer);
  Result<WebhookReceipt> stripe_webhook(std::string_view raw_body, std::string_view signature_header);

  // The nine customer states of docs/platform-contract.md#seeded-customer-states, each with a fresh API key.
  std::vector<SeededCustomer> seed();
  // Revokes a key (for the auth suites: a revoked key must get 401).
  bool revoke_api_key(CustomerId customer);

  PlatformCounters counters() const;
  const PlatformConfig& config() const { return config_; }

 private:
  // Adds the increments of a committed transaction to counters().
  void add_counters(const PlatformCounters& delta);

  PlatformConfig config_;
  Clock& clock_;
  std::unique_ptr<ConnectionPool> pool_;
  mutable std::mutex counters_mutex_;
  PlatformCounters counters_;
};

}  // namespace rsolv::sandbox
