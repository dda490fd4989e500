#pragma once
// Internal to the platform: what every endpoint implementation gets, and the helpers they share.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/digest.hpp"
#include "rsolv/sandbox/database.hpp"
#include "rsolv/sandbox/platform.hpp"

namespace rsolv::sandbox::ops {

// Metric increments collected during a transaction and applied only once it committed.
struct CounterDelta {
  PlatformCounters counts;
  void grant(LedgerSource source, std::int64_t amount) { counts.credits_granted[source] += amount; }
};

struct Env {
  Connection& db;
  const PlatformConfig& config;
  Clock& clock;
  CounterDelta& delta;
  std::int64_t now() const { return clock.unix_seconds(); }
};

// ---- refusals ----
Failure failure(FailureKind kind, ErrorCode code, std::string message);
Failure unknown_api_key();  // the key's customer is gone (401 invalid_api_key)
// Parses a JSON object body; on failure the Failure (invalid_json / nul_character) to answer.
std::variant<nlohmann::json, Failure> parse_object(std::string_view body);

// ---- ids and keys ----
std::string random_id(std::string_view prefix);  // prefix + 24 base62 characters (CSPRNG)
std::string new_api_key();                       // rsolv_ + base64url(32 random bytes)

// ---- customers ----
// A customers row: the account as shown, plus what only the platform reads.
struct Customer : Account {
  bool billing_added_granted = false;
  std::optional<std::string> payment_method;
  std::int64_t created_at = 0;
};

std::optional<Customer> load_customer(Connection& db, std::int64_t id);
std::optional<Customer> find_by_stripe_id(Connection& db, std::string_view stripe_customer_id);
std::int64_t insert_customer(Env& env, const std::string& name, const std::string& email, const std::string& key_hash);
void update_subscription(Connection& db, std::int64_t customer_id, SubscriptionType type,
                         std::optional<SubscriptionState> state, bool cancel_at_period_end,
                         const std::optional<std::string>& subscription_id);

// ---- subscription timelines (Stripe does not order deliveries) ----
struct SubscriptionTimeline {
  bool known = false;    // an event of this subscription was applied before
  bool deleted = false;  // terminal: Stripe never revives a deleted subscription
  std::int64_t last_event_created = 0;
};
SubscriptionTimeline load_timeline(Connection& db, const std::string& subscription_id);
// Records that an event created at `created` (when the event says) set this subscription's state.
void advance_timeline(Connection& db, std::int64_t customer_id, const std::string& subscription_id,
                      std::optional<std::int64_t> created, bool deleted);

// ---- ledger ----
// Adds `amount` (negative to consume) to the balance and appends the ledger row in the caller's
// transaction; returns the new balance. A negative result violates the schema's CHECK and throws.
std::int64_t append_ledger(Env& env, std::int64_t customer_id, std::int64_t amount, LedgerSource source,
                           const nlohmann::json& metadata = nlohmann::json::object());

// ---- billing rules ----
Entitlement entitlement_of(const Customer& customer);

// One credit for a merged fix: consume, or charge then consume, or refuse (docs/platform-contract.md#paying-for-a-merged-fix).
struct Bill {
  FixOutcome outcome = FixOutcome::credit_consumed;  // credit_consumed or charged
  std::int64_t amount_cents = 0;
  std::optional<std::string> charge_id;
};
std::variant<Bill, Failure> bill_fix(Env& env, const Customer& customer, std::int64_t fix_attempt_id);

// Grants the one-time billing_added credits and marks billing on; returns credits granted.
std::int64_t attach_billing(Env& env, const Customer& customer, const std::string& payment_method);

}  // namespace rsolv::sandbox::ops
