#include "sandbox_fixture.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "rsolv/common/random.hpp"
#include "rsolv/common/secret.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::sandbox::testing {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string unique_id(const std::string& prefix) {
  static std::atomic<int> counter{0};
  thread_local Random random;
  return prefix + random.base62(16) + std::to_string(counter.fetch_add(1));
}

Reply Sandbox::send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& api_key, const HeaderList& headers) {
  HttpConnection connection(port());
  HeaderList all = headers;
  if (!api_key.empty()) all.emplace_back("x-api-key", api_key);
  return connection.send(method, target, body, all);
}

Reply Sandbox::get(const std::string& target, const std::string& api_key, const HeaderList& headers) {
  return send("GET", target, {}, api_key, headers);
}

Reply Sandbox::post(const std::string& target, const std::string& body, const std::string& api_key,
                    const HeaderList& headers) {
  return send("POST", target, body, api_key, headers);
}

Reply Sandbox::del(const std::string& target, const std::string& api_key) { return send("DELETE", target, {}, api_key, {}); }

std::string Sandbox::onboard(const std::string& email_hint) {
  const auto reply = post("/api/v1/customers/onboard",
                          nlohmann::json{{"name", "Test " + email_hint},
                                         {"email", unique_id(email_hint + "-") + "@example.com"}}
                              .dump());
  if (reply.status != 201) throw std::runtime_error("onboard failed: " + std::to_string(reply.status) + " " + reply.body);
  return reply.json().at("api_key");
}

Reply Sandbox::add_billing(const std::string& api_key, const std::string& payment_method) {
  return post("/api/v1/billing/payment-methods",
              nlohmann::json{{"payment_method", payment_method}, {"billing_consent", true}}.dump(), api_key);
}

nlohmann::json Sandbox::me(const std::string& api_key) {
  const auto reply = get("/api/v1/customers/me", api_key);
  if (reply.status != 200) throw std::runtime_error("me failed: " + reply.body);
  return reply.json();
}

std::string Sandbox::sign(const std::string& payload, std::optional<std::int64_t> timestamp) const {
  return stripe::sign(Secret(secret()), timestamp.value_or(unix_now()), payload);
}

Reply Sandbox::webhook(const std::string& payload, std::optional<std::int64_t> timestamp) {
  return post("/api/webhooks/stripe", payload, {}, {{"Stripe-Signature", sign(payload, timestamp)}});
}

std::string stripe_event(const std::string& id, const std::string& type, const nlohmann::json& object) {
  return nlohmann::json{{"id", id},
                        {"object", "event"},
                        {"api_version", "2025-10-29.clover"},
                        {"created", unix_now()},
                        {"livemode", false},
                        {"pending_webhooks", 1},
                        {"request", {{"id", nullptr}, {"idempotency_key", nullptr}}},
                        {"type", type},
                        {"data", {{"object", object}}}}
      .dump();
}

nlohmann::json pro_invoice(const std::string& customer, const std::string& price) {
  return {{"id", unique_id("in_")},
          {"object", "invoice"},
          {"customer", customer},
          {"billing_reason", "subscription_cycle"},
          {"amount_paid", 59900},
          {"lines",
           {{"object", "list"},
            {"data",
             nlohmann::json::array({{{"id", unique_id("il_")},
                                     {"object", "line_item"},
                                     {"amount", 59900},
                                     {"pricing", {{"type", "price_details"}, {"price_details", {{"price", price}}}}}}})}}}};
}

}  // namespace rsolv::sandbox::testing
