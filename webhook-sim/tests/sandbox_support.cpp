#include "sandbox_support.hpp"

#include <gtest/gtest.h>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/http/client.hpp"
#include "rsolv/stripe/events/catalogue.hpp"
#include "rsolv/webhook_sim/flow.hpp"

namespace whsim_test {

namespace ws = rsolv::webhook_sim;

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

}  // namespace

Sandbox::Sandbox() {
  dir_ = std::filesystem::temp_directory_path() / ("whsim-" + rsolv::Random().hex(12));
  std::filesystem::create_directories(dir_);
  rsolv::process::ServerOptions options;
  options.executable = std::string(RSOLV_BIN_DIR) + "/rsolv-sandbox";
  options.args = {"serve", "--listen", "127.0.0.1:0", "--db", (dir_ / "sandbox.db").string(),
                  "--rate-limit-onboard", "10000/3600", "--rate-limit-api", "100000/3600", "--threads", "2",
                  // A flag rather than ServerOptions::env, which trips a Boost.Process 1.74 bug under ASan.
                  "--webhook-secret", kSecret};
  options.health_path = "/api/health";
  server_ = std::make_unique<rsolv::process::ServerProcess>(rsolv::process::ServerProcess::start(options));
}

Sandbox::~Sandbox() {
  server_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string Sandbox::webhook_url() const { return server_->base_url() + "/api/webhooks/stripe"; }

Customer Sandbox::new_customer() {
  const auto n = ++customers_;
  const auto onboard = call("POST", server_->base_url() + "/api/v1/customers/onboard", "",
                            {{"name", "Sim " + std::to_string(n)}, {"email", "sim" + std::to_string(n) + "-" +
                                                                                 rsolv::Random().hex(6) + "@example.com"}},
                            201);
  Customer customer;
  customer.api_key = onboard.at("api_key").get<std::string>();
  call("POST", server_->base_url() + "/api/v1/billing/payment-methods", customer.api_key,
       {{"payment_method", "pm_card_visa"}, {"billing_consent", true}}, 201);
  customer.stripe_id = state(customer).at("stripe_customer_id").get<std::string>();
  return customer;
}

nlohmann::json Sandbox::state(const Customer& customer) {
  return call("GET", server_->base_url() + "/api/v1/customers/me", customer.api_key, nullptr, 200);
}

Customer Sandbox::pro_customer() {
  auto customer = new_customer();
  const auto result = run_flow(*this, "pro-signup", customer, options_for(*this), 99);
  EXPECT_TRUE(result.all_matched());
  EXPECT_EQ(state(customer).at("subscription_state"), "active");
  return customer;
}

ws::SendOptions options_for(const Sandbox& sandbox) {
  ws::SendOptions options;
  options.url = sandbox.webhook_url();
  options.signing.secrets = {rsolv::Secret(kSecret)};
  options.expect = ws::Expectation::parse("2xx");
  return options;
}

std::vector<nlohmann::json> flow_events(const std::string& flow, const Customer& customer, std::uint64_t seed) {
  // Event ids must differ between customers on one sandbox (it deduplicates by event id).
  rsolv::Random random(seed ^ std::hash<std::string>{}(customer.stripe_id));
  return ws::build_flow(ws::load_flow(flow), {{"customer", customer.stripe_id}}, random,
                        rsolv::SystemClock::instance().unix_seconds());
}

ws::RunResult send_events(const std::vector<nlohmann::json>& events, const ws::SendOptions& options, std::uint64_t seed) {
  std::vector<ws::Outgoing> outgoing;
  for (const auto& event : events) {
    outgoing.push_back({event["id"].get<std::string>(), event["type"].get<std::string>(),
                        rsolv::stripe::events::render(event)});
  }
  rsolv::Random random(seed);
  return ws::deliver(std::move(outgoing), options, rsolv::SystemClock::instance(), random);
}

ws::RunResult run_flow(const Sandbox&, const std::string& flow, const Customer& customer, ws::SendOptions options,
                       std::uint64_t seed) {
  return send_events(flow_events(flow, customer, seed), options, seed);
}

nlohmann::json billing_state(const nlohmann::json& me) {
  return {{"credit_balance", me.at("credit_balance")},         {"subscription_type", me.at("subscription_type")},
          {"subscription_state", me.at("subscription_state")}, {"cancel_at_period_end", me.at("cancel_at_period_end")},
          {"has_billing", me.at("has_billing")}};
}

}  // namespace whsim_test
