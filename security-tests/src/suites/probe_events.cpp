#include "probe_events.hpp"

#include <chrono>

namespace rsolv::security {

std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json probe_event(Random& random, const std::string& type) {
  return {{"id", "evt_" + random.base62(24)},
          {"object", "event"},
          {"api_version", "2025-10-29.clover"},
          {"created", now_unix()},
          {"livemode", false},
          {"pending_webhooks", 1},
          {"request", {{"id", nullptr}, {"idempotency_key", nullptr}}},
          {"type", type},
          {"data", {{"object", {{"id", "obj_" + random.base62(24)}, {"object", "probe"}}}}}};
}

nlohmann::json pro_invoice_event(Random& random, const nlohmann::json& stripe_customer_id, const std::string& pro_price_id) {
  auto event = probe_event(random, "invoice.payment_succeeded");
  event["data"]["object"] = {
      {"id", "in_" + random.base62(24)},
      {"object", "invoice"},
      {"customer", stripe_customer_id},
      {"billing_reason", "subscription_cycle"},
      {"status", "paid"},
      {"lines",
       {{"object", "list"},
        {"data", nlohmann::json::array({{{"object", "line_item"},
                                         {"amount", 59900},
                                         {"pricing", {{"type", "price_details"},
                                                      {"price_details", {{"price", pro_price_id}}}}}}})}}}};
  return event;
}

}  // namespace rsolv::security
