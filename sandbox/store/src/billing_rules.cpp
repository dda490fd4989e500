// The billing rules (docs/platform-contract.md#billing-rules): who may get a fix, and how a merged fix is paid for.
#include "operations.hpp"

namespace rsolv::sandbox::ops {

namespace {
std::int64_t cash_price(const Customer& customer) {
  return customer.subscription_type == SubscriptionType::pro ? kProOveragePriceCents : kPaygPriceCents;
}
bool past_due(const Customer& customer) { return customer.subscription_state == SubscriptionState::past_due; }

// Stripe's test tokens: pm_card_chargeDeclined (and its *Declined relatives) fail, other pm_card_* pass.
bool declines(const std::string& payment_method) {
  return payment_method.find("Declined") != std::string::npos;
}
}  // namespace

Entitlement entitlement_of(const Customer& customer) {
  if (customer.credit_balance > 0) return {true, EntitlementReason::credits, 0};
  if (customer.has_billing && !past_due(customer)) {
    const bool pro = customer.subscription_type == SubscriptionType::pro;
    return {true, pro ? EntitlementReason::pro_overage : EntitlementReason::payg, cash_price(customer)};
  }
  if (customer.has_billing) return {false, EntitlementReason::payment_past_due, cash_price(customer)};
  return {false, EntitlementReason::no_billing_info, cash_price(customer)};
}

std::variant<Bill, Failure> bill_fix(Env& env, const Customer& customer, std::int64_t fix_attempt_id) {
  const nlohmann::json metadata = {{"fix_attempt_id", fix_attempt_id}};
  if (customer.credit_balance > 0) {
    append_ledger(env, customer.id, -1, LedgerSource::fix_deployed, metadata);
    return Bill{FixOutcome::credit_consumed, 0, std::nullopt};
  }
  if (!customer.has_billing) {
    return failure(FailureKind::payment_required, ErrorCode::no_billing_info,
                   "No credits left and no payment method on file. Add billing to continue.");
  }
  if (past_due(customer)) {
    return failure(FailureKind::payment_required, ErrorCode::payment_past_due,
                   "No credits left and the subscription is past due. Update the payment method.");
  }
  const auto price = cash_price(customer);
  const auto payment_method = customer.payment_method.value_or("pm_card_visa");
  if (declines(payment_method)) {
    env.delta.counts.charges[std::string(to_string(ChargeOutcome::declined))] += 1;
    return failure(FailureKind::payment_required, ErrorCode::card_declined,
                   "The card was declined. Update the payment method.");
  }
  const auto charge_id = random_id("ch_");
  Statement charge(env.db,
                   "INSERT INTO charges (id, customer_id, fix_attempt_id, amount_cents, payment_method, created_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  charge.bind(1, charge_id).bind(2, customer.id).bind(3, fix_attempt_id).bind(4, price).bind(5, payment_method);
  charge.bind(6, env.now()).run();
  nlohmann::json charged = metadata;
  charged["charge_id"] = charge_id;
  charged["amount_cents"] = price;
  append_ledger(env, customer.id, 1, LedgerSource::purchased, charged);
  append_ledger(env, customer.id, -1, LedgerSource::fix_deployed, metadata);
  env.delta.counts.charges[std::string(to_string(ChargeOutcome::succeeded))] += 1;
  return Bill{FixOutcome::charged, price, charge_id};
}

std::int64_t attach_billing(Env& env, const Customer& customer, const std::string& payment_method) {
  Statement update(env.db,
                   "UPDATE customers SET has_billing = 1, payment_method = ?1, "
                   "stripe_customer_id = COALESCE(stripe_customer_id, ?2), billing_added_granted = 1 WHERE id = ?3");
  update.bind(1, payment_method).bind(2, random_id("cus_")).bind(3, customer.id).run();
  if (customer.billing_added_granted) return 0;
  append_ledger(env, customer.id, kBillingAddedCredits, LedgerSource::billing_added,
                {{"payment_method", payment_method}});
  return kBillingAddedCredits;
}

}  // namespace rsolv::sandbox::ops
