#pragma once
// The Stripe events the suites deliver: a harmless probe event (webhooks) and a paid Pro invoice
// for one customer (the webhook replay check and the race suite), built as Stripe sends them.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "rsolv/common/random.hpp"

namespace rsolv::security {

std::int64_t now_unix();
nlohmann::json probe_event(Random& random, const std::string& type = "rsolv.security_probe");
// invoice.payment_succeeded whose line item carries `pro_price_id` in pricing.price_details.
nlohmann::json pro_invoice_event(Random& random, const nlohmann::json& stripe_customer_id, const std::string& pro_price_id);

}  // namespace rsolv::security
