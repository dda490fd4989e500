#pragma once
// The RSOLV platform contract (docs/platform-contract.md) without HTTP: every endpoint is a
// method returning the status and exact body bytes to send. Thread-safe: the server's workers call
// it concurrently; the database (SQLite, WAL) serialises writers and its constraints keep balances
// non-negative, event ids and idempotency keys unique.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/secret.hpp"

namespace rsolv::sandbox {

class ConnectionPool;

struct ApiResult {
  int status = 200;
  std::string body;  // serialized JSON, byte for byte what is sent (replays are identical)
  std::vector<std::pair<std::string, std::string>> headers;
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
  std::map<std::string, std::int64_t> credits_granted;                   // by ledger source
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

  ApiResult onboard(std::string_view body);
  ApiResult me(CustomerId customer);
  ApiResult entitlement(CustomerId customer);
  ApiResult exchange_credentials(CustomerId customer, std::string_view body);
  ApiResult add_payment_method(CustomerId customer, std::string_view body);
  ApiResult create_subscription(CustomerId customer, std::string_view body);
  ApiResult cancel_subscription(CustomerId customer, bool at_period_end);
  ApiResult create_fix_attempt(CustomerId customer, std::string_view body);
  ApiResult fix_deployment(CustomerId customer, std::string_view body, std::optional<std::string_view> idempotency_key);
  ApiResult transactions(CustomerId customer);
  ApiResult stripe_webhook(std::string_view raw_body, std::string_view signature_header);

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
