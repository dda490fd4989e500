// The nine customer states of docs/platform-contract.md#seeded-customer-states, built through the same ledger as real traffic, so
// every seeded balance equals the sum of its ledger rows.
#include "operations.hpp"
#include "rsolv/sandbox/platform.hpp"

namespace rsolv::sandbox {

using namespace ops;

namespace {

struct SeedPlan {
  const char* state;
  bool billing;
  int pro_invoices;            // paid Pro invoices (+60 each)
  std::int64_t fixes_consumed;  // credits already spent on fixes
  SubscriptionType type;
  std::optional<SubscriptionState> subscription_state;
  bool cancel_at_period_end;
  bool keeps_subscription;
};

const std::vector<SeedPlan>& plans() {
  using Type = SubscriptionType;
  using State = SubscriptionState;
  static const std::vector<SeedPlan> all = {
      {"trial_no_billing", false, 0, 2, Type::trial, std::nullopt, false, false},          // 3 credits
      {"trial_with_billing", true, 0, 3, Type::trial, std::nullopt, false, false},         // 7
      {"trial_expired", false, 0, 5, Type::trial, std::nullopt, false, false},             // 0
      {"payg", true, 0, 10, Type::pay_as_you_go, std::nullopt, false, false},              // 0, billed per fix
      {"pro_active", true, 1, 25, Type::pro, State::active, false, true},                  // 45
      {"pro_past_due", true, 1, 70, Type::pro, State::past_due, false, true},              // 0, payment failed
      {"pro_cancelled", true, 1, 50, Type::pay_as_you_go, std::nullopt, false, false},     // 20 kept
      {"pro_cancel_scheduled", true, 1, 40, Type::pro, State::active, true, true},         // 30
      {"pro_renewed", true, 2, 70, Type::pro, State::active, false, true},                 // 60
  };
  return all;
}

}  // namespace

std::vector<SeededCustomer> Platform::seed() {
  std::vector<SeededCustomer> out;
  CounterDelta delta;
  auto db = pool_->acquire();
  Env env{*db, config_, clock_, delta};
  Transaction transaction(*db);
  for (const auto& plan : plans()) {
    SeededCustomer seeded;
    seeded.state = plan.state;
    seeded.api_key = new_api_key();
    seeded.email = std::string("seed-") + plan.state + "-" + random_id("").substr(0, 8) + "@example.com";
    const auto id = insert_customer(env, std::string("Seeded ") + plan.state, seeded.email, sha256_hex(seeded.api_key));
    seeded.customer_id = id;
    append_ledger(env, id, kSignupCredits, LedgerSource::trial_signup, {{"seed", plan.state}});
    if (plan.billing) attach_billing(env, *load_customer(*db, id), "pm_card_visa");
    for (int i = 0; i < plan.pro_invoices; ++i) {
      append_ledger(env, id, kProInvoiceCredits, LedgerSource::pro_subscription_payment,
                    {{"seed", plan.state}, {"invoice", i + 1}});
    }
    if (plan.fixes_consumed > 0) {
      append_ledger(env, id, -plan.fixes_consumed, LedgerSource::fix_deployed,
                    {{"seed", plan.state}, {"fixes", plan.fixes_consumed}});
    }
    update_subscription(*db, id, plan.type, plan.subscription_state, plan.cancel_at_period_end,
                        plan.keeps_subscription ? std::optional<std::string>(random_id("sub_")) : std::nullopt);
    const auto row = load_customer(*db, id);
    seeded.stripe_customer_id = row->stripe_customer_id;
    seeded.credit_balance = row->credit_balance;
    out.push_back(std::move(seeded));
  }
  transaction.commit();
  add_counters(delta.counts);
  return out;
}

}  // namespace rsolv::sandbox
