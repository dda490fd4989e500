#include "rsolv/sandbox/server/platform_api.hpp"

#include <nlohmann/json.hpp>

namespace rsolv::sandbox::server {

namespace {

using nlohmann::json;

ApiResult json_result(int status, const json& body) {
  ApiResult result;
  result.status = status;
  result.body = body.dump();
  return result;
}

json nullable(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }

json nullable(const std::optional<SubscriptionState>& value) {
  return value ? json(to_string(*value)) : json(nullptr);
}

json customer_json(const Account& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"email", c.email},
          {"credit_balance", c.credit_balance},
          {"subscription_type", to_string(c.subscription_type)},
          {"subscription_state", nullable(c.subscription_state)},
          {"cancel_at_period_end", c.cancel_at_period_end},
          {"has_billing", c.has_billing},
          {"stripe_customer_id", nullable(c.stripe_customer_id)},
          {"stripe_subscription_id", nullable(c.stripe_subscription_id)}};
}

}  // namespace

int http_status(FailureKind kind) {
  switch (kind) {
    case FailureKind::malformed: return 400;
    case FailureKind::unauthenticated: return 401;
    case FailureKind::payment_required: return 402;
    case FailureKind::forbidden: return 403;
    case FailureKind::not_found: return 404;
    case FailureKind::conflict: return 409;
    case FailureKind::invalid: break;
  }
  return 422;
}

ApiResult to_response(const Failure& failure) {
  return http::json_error(http_status(failure.kind), to_string(failure.code), failure.message);
}

ApiResult to_response(const Onboarded& result) {
  return json_result(201, {{"customer", customer_json(result.customer)}, {"api_key", result.api_key}});
}

ApiResult to_response(const Account& result) { return json_result(200, customer_json(result)); }

ApiResult to_response(const EntitlementView& result) {
  return json_result(200, {{"entitled", result.entitlement.entitled},
                           {"reason", to_string(result.entitlement.reason)},
                           {"credit_balance", result.customer.credit_balance},
                           {"subscription_type", to_string(result.customer.subscription_type)},
                           {"subscription_state", nullable(result.customer.subscription_state)},
                           {"charge_per_fix_cents", result.entitlement.charge_per_fix_cents}});
}

ApiResult to_response(const Credentials& result) {
  json credentials = json::object();
  for (const auto& [provider, key] : result.api_keys) {
    credentials[provider] = {{"api_key", key}, {"expires_at", result.expires_at}};
  }
  return json_result(200, {{"credentials", credentials},
                           {"expires_at", result.expires_at},
                           {"usage", {{"remaining_fixes", result.remaining_fixes}, {"reason", to_string(result.reason)}}}});
}

ApiResult to_response(const PaymentMethodAdded& result) {
  return json_result(201, {{"customer", customer_json(result.customer)},
                           {"payment_method", result.payment_method},
                           {"credits_granted", result.credits_granted}});
}

ApiResult to_response(const SubscriptionCreated& result) {
  return json_result(201, {{"subscription",
                            {{"id", result.id},
                             {"status", to_string(result.status)},
                             {"plan", to_string(result.plan)},
                             {"price_id", result.price_id},
                             {"amount_cents", result.amount_cents}}},
                           {"customer", customer_json(result.customer)}});
}

ApiResult to_response(const SubscriptionCanceled& result) {
  return json_result(200, {{"customer", customer_json(result.customer)},
                           {"canceled", result.at_period_end ? "at_period_end" : "immediately"}});
}

ApiResult to_response(const FixAttemptCreated& result) {
  return json_result(201, {{"id", result.id},
                           {"status", to_string(result.status)},
                           {"billing_status", to_string(result.billing_status)}});
}

// 201 when this request billed the fix, 200 when it was billed before; a replay answers as the
// first request did, marked Idempotent-Replayed.
ApiResult to_response(const FixDeployment& result) {
  json body = {{"outcome", to_string(result.outcome)},
               {"amount_cents", result.amount_cents},
               {"credit_balance", result.credit_balance},
               {"fix_attempt_id", result.fix_attempt_id}};
  if (result.charge_id) body["charge_id"] = *result.charge_id;
  auto response = json_result(result.outcome == FixOutcome::already_billed ? 200 : 201, body);
  if (result.replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
  return response;
}

ApiResult to_response(const Transactions& result) {
  json rows = json::array();
  for (const auto& entry : result.entries) {
    rows.push_back({{"id", entry.id},
                    {"amount", entry.amount},
                    {"balance_after", entry.balance_after},
                    {"source", to_string(entry.source)},
                    {"metadata", json::parse(entry.metadata, nullptr, false)},
                    {"created_at", entry.created_at}});
  }
  return json_result(200, {{"balance", result.balance}, {"transactions", rows}});
}

ApiResult to_response(const WebhookReceipt& result) {
  return json_result(200, {{"received", true}, {"status", to_string(result.status)}});
}

}  // namespace rsolv::sandbox::server
