#pragma once
// A real rsolv-sandbox on a free loopback port with a temp database, and the customer operations
// the webhook tests need: onboard, attach billing (which assigns the cus_ id), read the state.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/sandbox/testing/sandbox_process.hpp"
#include "rsolv/webhook_sim/sender.hpp"

namespace rsolv::webhook_sim::testing {

inline const std::string kSecret = "whsec_webhook_sim_test_secret";

struct Customer {
  std::string api_key;
  std::string stripe_id;
};

// Not seeded: the tests onboard their own customers.
class Sandbox : public rsolv::sandbox::testing::SandboxProcess {
 public:
  Sandbox();
  std::string webhook_url() const;
  // Onboarded, billing attached (5 + 5 credits), so the platform knows its cus_ id.
  Customer new_customer();
  // GET /api/v1/customers/me
  nlohmann::json state(const Customer& customer);
  // Onboarded customer moved to Pro active through the sandbox's own flow (pro-signup in order).
  Customer pro_customer();

 private:
  int customers_ = 0;
};

// Default delivery options: the test secret, the sandbox's webhook URL.
rsolv::webhook_sim::SendOptions options_for(const Sandbox& sandbox);

// Builds a built-in flow for `customer` and delivers it; returns the run.
rsolv::webhook_sim::DeliveryResults run_flow(const Sandbox& sandbox, const std::string& flow, const Customer& customer,
                                             rsolv::webhook_sim::SendOptions options, std::uint64_t seed = 1);

// Builds a flow's events (with the customer's id) without sending them.
std::vector<nlohmann::json> flow_events(const std::string& flow, const Customer& customer, std::uint64_t seed = 1);

rsolv::webhook_sim::DeliveryResults send_events(const std::vector<nlohmann::json>& events,
                                                const rsolv::webhook_sim::SendOptions& options, std::uint64_t seed = 1);

// The parts of a customer's state the webhook effects move.
nlohmann::json billing_state(const nlohmann::json& me);

}  // namespace rsolv::webhook_sim::testing
