// Payment methods and the Pro subscription.
#include <array>

#include "operations.hpp"
#include "rsolv/sandbox/platform.hpp"

namespace rsolv::sandbox {

using namespace ops;

namespace {
// Raw card data must never reach the platform: Stripe.js tokenises it in the browser.
constexpr std::array<std::string_view, 8> kRawCardFields = {"card_number", "number", "cvc", "cvv",
                                                           "card_cvc",    "pan",    "exp_month", "exp_year"};

bool carries_raw_card_data(const nlohmann::json& value) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      for (auto field : kRawCardFields) {
        if (key == field) return true;
      }
      if (carries_raw_card_data(child)) return true;
    }
  } else if (value.is_array()) {
    for (const auto& child : value) {
      if (carries_raw_card_data(child)) return true;
    }
  }
  return false;
}
}  // namespace

Result<PaymentMethodAdded> Platform::add_payment_method(CustomerId customer, std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<Failure>(&parsed)) return *error;
  const auto& request = std::get<nlohmann::json>(parsed);
  if (carries_raw_card_data(request)) {
    // The body is dropped here: nothing of it is stored, echoed or logged.
    return failure(FailureKind::invalid, ErrorCode::raw_card_data_refused,
                   "Raw card data is never accepted. Send a Stripe payment method id (pm_...) instead.");
  }
  if (!request.contains("payment_method") || !request["payment_method"].is_string() ||
      !request["payment_method"].get<std::string>().starts_with("pm_") ||
      request["payment_method"].get<std::string>().size() > 255) {
    return failure(FailureKind::invalid, ErrorCode::invalid_payment_method,
                   "payment_method must be a Stripe payment method id (pm_...).");
  }
  if (!request.contains("billing_consent") || request["billing_consent"] != true) {
    return failure(FailureKind::invalid, ErrorCode::billing_consent_required,
                   "billing_consent must be true to add a payment method.");
  }
  CounterDelta delta;
  auto db = pool_->acquire();
  Env env{*db, config_, clock_, delta};
  Transaction transaction(*db);
  const auto row = load_customer(*db, customer.value);
  if (!row) return unknown_api_key();
  const auto granted = attach_billing(env, *row, request["payment_method"]);
  transaction.commit();
  add_counters(delta.counts);
  return PaymentMethodAdded{*load_customer(*db, customer.value), request["payment_method"], granted};
}

Result<SubscriptionCreated> Platform::create_subscription(CustomerId customer, std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* error = std::get_if<Failure>(&parsed)) return *error;
  const auto& request = std::get<nlohmann::json>(parsed);
  if (!request.contains("plan") || request["plan"] != to_string(SubscriptionType::pro)) {
    return failure(FailureKind::invalid, ErrorCode::invalid_plan, "plan must be \"pro\".");
  }
  CounterDelta delta;
  auto db = pool_->acquire();
  Transaction transaction(*db);
  const auto row = load_customer(*db, customer.value);
  if (!row) return unknown_api_key();
  if (!row->has_billing) {
    return failure(FailureKind::invalid, ErrorCode::no_billing_info, "Add a payment method before subscribing.");
  }
  const bool live = row->stripe_subscription_id && row->subscription_state != SubscriptionState::canceled;
  if (live) return failure(FailureKind::conflict, ErrorCode::subscription_exists, "The customer already has a subscription.");
  const auto subscription_id = random_id("sub_");
  // Stripe confirms the first payment by webhook; until then the subscription is incomplete.
  update_subscription(*db, row->id, SubscriptionType::pro, SubscriptionState::incomplete, false, subscription_id);
  transaction.commit();
  return SubscriptionCreated{subscription_id,     SubscriptionState::incomplete, SubscriptionType::pro,
                             config_.pro_price_id, kProPlanCents,                 *load_customer(*db, customer.value)};
}

Result<SubscriptionCanceled> Platform::cancel_subscription(CustomerId customer, bool at_period_end) {
  auto db = pool_->acquire();
  Transaction transaction(*db);
  const auto row = load_customer(*db, customer.value);
  if (!row) return unknown_api_key();
  if (!row->stripe_subscription_id || row->subscription_type != SubscriptionType::pro) {
    return failure(FailureKind::not_found, ErrorCode::no_subscription, "The customer has no active subscription.");
  }
  if (at_period_end) {
    update_subscription(*db, row->id, SubscriptionType::pro, row->subscription_state, true, row->stripe_subscription_id);
  } else {
    // Immediate cancel: back to pay-as-you-go, credits kept.
    update_subscription(*db, row->id, SubscriptionType::pay_as_you_go, SubscriptionState::canceled, false, std::nullopt);
  }
  transaction.commit();
  return SubscriptionCanceled{*load_customer(*db, customer.value), at_period_end};
}

}  // namespace rsolv::sandbox
