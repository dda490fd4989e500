#pragma once
// The real rsolv-sandbox binary (seeded, temp SQLite file, free loopback port; see
// SandboxProcess in sandbox/testing), and the calls the integration tests make.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "http_test_client.hpp"
#include "rsolv/sandbox/testing/sandbox_process.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::sandbox::testing {

using rsolv::testing::TempDir;

class Sandbox : public SandboxProcess {
 public:
  using SandboxProcess::SandboxProcess;

  // One request on a fresh connection of this thread's own.
  Reply get(const std::string& target, const std::string& api_key = {}, const HeaderList& headers = {});
  Reply post(const std::string& target, const std::string& body, const std::string& api_key = {},
             const HeaderList& headers = {});
  Reply del(const std::string& target, const std::string& api_key = {});
  Reply send(const std::string& method, const std::string& target, const std::string& body,
             const std::string& api_key, const HeaderList& headers);

  // Onboards a new customer and returns its raw key.
  std::string onboard(const std::string& email_hint = "user");
  // Adds pm_card_visa (or another token) to a customer; returns the reply.
  Reply add_billing(const std::string& api_key, const std::string& payment_method = "pm_card_visa");
  nlohmann::json me(const std::string& api_key);

  // Signs with the server's secret at `timestamp` (default: now) and posts to the webhook route.
  Reply webhook(const std::string& payload, std::optional<std::int64_t> timestamp = std::nullopt);
  std::string sign(const std::string& payload, std::optional<std::int64_t> timestamp = std::nullopt) const;
};

// A Stripe event envelope around `object`.
std::string stripe_event(const std::string& id, const std::string& type, const nlohmann::json& object);
// An invoice for `customer` whose one line has `pricing.price_details.price` = price.
nlohmann::json pro_invoice(const std::string& customer, const std::string& price = "price_pro_monthly");
std::string unique_id(const std::string& prefix);
std::int64_t unix_now();

}  // namespace rsolv::sandbox::testing
