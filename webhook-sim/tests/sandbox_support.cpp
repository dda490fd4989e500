#include "sandbox_support.hpp"

#include <gtest/gtest.h>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/http/client.hpp"
#include "rsolv/stripe/events/catalogue.hpp"
#include "rsolv/webhook_sim/flow.hpp"

namespace rsolv::webhook_sim::testing {

namespace {

nlohmann::json call(const std::string& method, const std::string& url, const std::string& key, const nlohmann::json& body,
                    long expected_status) {
  rsolv::http::Client client;
  rsolv::http::Headers headers = {{"Content-Type", "application/json"}};
  if (!key.empty()) headers.emplace_back("x-api-key", key);
  const auto response = client.send({method, url, headers, body.is_null() ? std::string() : body.dump()});
  EXPECT_EQ(response.status, expected_status) << method << " " << url << ": " << response.body;
  return nlohmann::json::parse(response.body);
}

rsolv::sandbox::testing::SandboxOptions sandbox_options() {
  rsolv::sandbox::testing::SandboxOptions options;
  options.seed = false;
  options.webhook_secret = kSecret;
  options.rate_limit_onboard = "10000/3600";
  options.access_log = false;
  options.health_path = "/api/health";
  return options;
}

}  // namespace

Sandbox::Sandbox() : SandboxProcess(sandbox_options()) {}

std::string Sandbox::webhook_url() const { return url() + "/api/webhooks/stripe"; }

Customer Sandbox::new_customer() {
  const auto n = ++customers_;
  const auto onboard = call("POST", url() + "/api/v1/customers/onboard", "",
                            {{"name", "Sim " + std::to_string(n)}, {"email", "sim" + std::to_string(n) + "-" +
                                                                                 rsolv::Random().hex(6) + "@example.com"}},
                            201);
  Customer customer;
  customer.api_key = onboard.at("api_key").get<std::string>();
  call("POST", url() + "/api/v1/billing/payment-methods", customer.api_key,
       {{"payment_method", "pm_card_visa"}, {"billing_consent", true}}, 201);
  customer.stripe_id = state(customer).at("stripe_customer_id").get<std::string>();
  return customer;
}

nlohmann::json Sandbox::state(const Customer& customer) {
  return call("GET", url() + "/api/v1/customers/me", customer.api_key, nullptr, 200);
}

Customer Sandbox::pro_customer() {
  auto customer = new_customer();
  const auto result = run_flow(*this, "pro-signup", customer, options_for(*this), 99);
  EXPECT_TRUE(result.all_matched());
  EXPECT_EQ(state(customer).at("subscription_state"), "active");
  return customer;
}

SendOptions options_for(const Sandbox& sandbox) {
  SendOptions options;
  options.url = sandbox.webhook_url();
  options.signing.secrets = {rsolv::Secret(kSecret)};
  options.expect = Expectation::parse("2xx");
  return options;
}

std::vector<nlohmann::json> flow_events(const std::string& flow, const Customer& customer, std::uint64_t seed) {
  // Event ids must differ between customers on one sandbox (it deduplicates by event id).
  rsolv::Random random(seed ^ std::hash<std::string>{}(customer.stripe_id));
  return build_flow(load_flow(flow), {{"customer", customer.stripe_id}}, random,
                        rsolv::SystemClock::instance().unix_seconds());
}

DeliveryResults send_events(const std::vector<nlohmann::json>& events, const SendOptions& options, std::uint64_t seed) {
  std::vector<Outgoing> outgoing;
  for (const auto& event : events) {
    outgoing.push_back({event["id"].get<std::string>(), event["type"].get<std::string>(),
                        rsolv::stripe::events::render(event)});
  }
  rsolv::Random random(seed);
  return deliver(std::move(outgoing), options, rsolv::SystemClock::instance(), random);
}

DeliveryResults run_flow(const Sandbox&, const std::string& flow, const Customer& customer, SendOptions options,
                             std::uint64_t seed) {
  return send_events(flow_events(flow, customer, seed), options, seed);
}

nlohmann::json billing_state(const nlohmann::json& me) {
  return {{"credit_balance", me.at("credit_balance")},         {"subscription_type", me.at("subscription_type")},
          {"subscription_state", me.at("subscription_state")}, {"cancel_at_period_end", me.at("cancel_at_period_end")},
          {"has_billing", me.at("has_billing")}};
}

}  // namespace rsolv::webhook_sim::testing
