// Every built-in flow, delivered to a real rsolv-sandbox one event at a time, moves the customer
// through the states docs/platform-contract.md gives for those events.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "sandbox_support.hpp"

namespace rsolv::webhook_sim {
namespace {

using namespace rsolv::webhook_sim::testing;
using nlohmann::json;

class SandboxFlows : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sandbox_ = new Sandbox(); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }

  // Delivers the flow's events one by one; after event i, the customer's state must contain
  // checks[i] (a partial state). Every delivery must be answered 2xx; when `outcomes` is given, the
  // answer's status must be outcomes[i] ("processed" or "ignored", docs/platform-contract.md).
  void walk(const std::string& flow, const Customer& customer, const std::map<std::size_t, json>& checks,
            const std::vector<std::string>& outcomes = {}) {
    const auto events = flow_events(flow, customer, 5);
    for (const auto& [index, partial] : checks) ASSERT_LT(index, events.size()) << flow;
    if (!outcomes.empty()) {
      ASSERT_EQ(outcomes.size(), events.size()) << flow;
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto result = send_events({events[i]}, options_for(*sandbox_));
      ASSERT_TRUE(result.all_matched()) << flow << " step " << i << " " << events[i]["type"] << " answered "
                                        << result.deliveries[0].final_status() << " "
                                        << result.deliveries[0].attempts.back().response_body;
      if (!outcomes.empty()) {
        EXPECT_EQ(json::parse(result.deliveries[0].attempts.back().response_body).value("status", ""), outcomes[i])
            << flow << " step " << i << " " << events[i]["type"];
      }
      const auto it = checks.find(i);
      if (it == checks.end()) continue;
      const auto state = billing_state(sandbox_->state(customer));
      for (const auto& [key, value] : it->second.items()) {
        EXPECT_EQ(state[key], value) << flow << " after step " << i << " (" << events[i]["type"].get<std::string>()
                                     << "): " << key << " in " << state.dump();
      }
    }
  }

  static Sandbox* sandbox_;
};

Sandbox* SandboxFlows::sandbox_ = nullptr;

TEST_F(SandboxFlows, ProSignupActivatesProAndGrantsSixtyCredits) {
  const auto customer = sandbox_->new_customer();
  const auto before = billing_state(sandbox_->state(customer));
  ASSERT_EQ(before["subscription_type"], "trial");
  const auto credits = before["credit_balance"].get<int>();
  walk("pro-signup", customer,
       {{0, before},                                                                         // customer.created: ignored
        {1, {{"has_billing", true}, {"credit_balance", credits}}},                            // attach: +5 only once
        {2, {{"subscription_type", "pro"}, {"subscription_state", "incomplete"}}},            // subscription.created
        {5, {{"subscription_state", "incomplete"}, {"credit_balance", credits}}},            // charge.succeeded: ignored
        {6, {{"subscription_state", "active"}, {"credit_balance", credits + 60}}},           // payment_succeeded
        {7, {{"credit_balance", credits + 60}}},                                              // invoice.paid: ignored
        {8, {{"subscription_type", "pro"}, {"subscription_state", "active"}, {"credit_balance", credits + 60}}}});
}

TEST_F(SandboxFlows, RenewalGrantsAnotherSixtyAndStaysActive) {
  const auto customer = sandbox_->pro_customer();
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  walk("renewal", customer,
       {{2, {{"credit_balance", credits}}},
        {3, {{"credit_balance", credits + 60}, {"subscription_state", "active"}}},
        {5, {{"credit_balance", credits + 60}, {"subscription_state", "active"}, {"subscription_type", "pro"}}}});
}

TEST_F(SandboxFlows, FailedRenewalMakesThePlanPastDueWithoutCredits) {
  const auto customer = sandbox_->pro_customer();
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  walk("failed-renewal", customer,
       {{2, {{"subscription_state", "active"}}},
        {3, {{"subscription_state", "past_due"}, {"credit_balance", credits}}},
        {4, {{"subscription_state", "past_due"}, {"subscription_type", "pro"}, {"credit_balance", credits}}}});
}

TEST_F(SandboxFlows, RecoveryGoesPastDueThenActiveWithSixtyCredits) {
  const auto customer = sandbox_->pro_customer();
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  walk("recovery", customer,
       {{4, {{"subscription_state", "past_due"}, {"credit_balance", credits}}},
        {6, {{"subscription_state", "active"}, {"credit_balance", credits + 60}}},
        {8, {{"subscription_state", "active"}, {"credit_balance", credits + 60}}}});
}

TEST_F(SandboxFlows, CancelAtPeriodEndSchedulesThenDowngradesKeepingCredits) {
  const auto customer = sandbox_->pro_customer();
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  walk("cancel-at-period-end", customer,
       {{0, {{"cancel_at_period_end", true}, {"subscription_state", "active"}, {"subscription_type", "pro"}}},
        {1, {{"subscription_type", "pay_as_you_go"}, {"subscription_state", nullptr}, {"cancel_at_period_end", false},
             {"credit_balance", credits}}}});
}

TEST_F(SandboxFlows, CancelNowDowngradesAtOnceKeepingCredits) {
  const auto customer = sandbox_->pro_customer();
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  walk("cancel-now", customer,
       {{0, {{"subscription_type", "pay_as_you_go"}, {"subscription_state", nullptr}, {"credit_balance", credits},
             {"has_billing", true}}}});
}

// Flows chained on ONE subscription follow its timeline, as in Stripe where a renewal comes a month
// after the sign-up: each `rsolv-webhook-sim flow ... --subscription S --start T` begins after the
// previous flow ended. The platform orders a subscription's events by event.created, so a flow
// started earlier than the last one applied only adds its credits and leaves the state alone.
TEST_F(SandboxFlows, FlowsChainedOnOneSubscriptionWithStartFollowItsTimeline) {
  const auto customer = sandbox_->new_customer();
  const std::string subscription = "sub_chained" + customer.stripe_id.substr(4, 12);
  const auto t0 = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count() - 90 * 86400;
  const auto flow = [&](const std::string& name, std::int64_t start) {
    const auto result = rsolv::process::run(
        std::string(RSOLV_BIN_DIR) + "/rsolv-webhook-sim",
        {"flow", name, "--forward-to", sandbox_->webhook_url(), "--customer", customer.stripe_id, "--subscription",
         subscription, "--start", std::to_string(start), "--quiet"},
        {{"RSOLV_WEBHOOK_SECRET", kSecret}});
    EXPECT_EQ(result.exit_code, 0) << name << ": " << result.out << result.err;
    return billing_state(sandbox_->state(customer));
  };
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  auto state = flow("pro-signup", t0);
  EXPECT_EQ(state["subscription_state"], "active");
  state = flow("renewal", t0 + 30 * 86400);
  EXPECT_EQ(state["subscription_state"], "active");
  EXPECT_EQ(state["credit_balance"], credits + 120);
  state = flow("failed-renewal", t0 + 60 * 86400);
  EXPECT_EQ(state["subscription_state"], "past_due");
  state = flow("renewal", t0 + 45 * 86400);  // older than the failure already applied
  EXPECT_EQ(state["subscription_state"], "past_due");
  EXPECT_EQ(state["credit_balance"], credits + 180);
  state = flow("cancel-now", t0 + 61 * 86400);
  EXPECT_EQ(state["subscription_type"], "pay_as_you_go");
  EXPECT_EQ(state["credit_balance"], credits + 180);
}

// The flows of the subscription-billing set, one event at a time. The platform acts on
// subscription and invoice.payment_succeeded events only; trial_will_end, payment intents, charges,
// refunds, credit notes and disputes are answered `ignored` and change nothing.
TEST_F(SandboxFlows, TrialEndGoesTrialingThenActiveWithSixtyCreditsOnTheFirstInvoice) {
  const auto customer = sandbox_->new_customer();
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  walk("trial-end", customer,
       {{0, {{"subscription_type", "pro"}, {"subscription_state", "trialing"}, {"credit_balance", credits}}},
        {1, {{"subscription_state", "trialing"}, {"credit_balance", credits}}},          // trial_will_end
        {2, {{"subscription_state", "active"}, {"credit_balance", credits}}},            // trial over: active
        {6, {{"credit_balance", credits}}},                                               // intent, charge: ignored
        {7, {{"subscription_state", "active"}, {"credit_balance", credits + 60}}},       // first invoice paid
        {8, {{"subscription_type", "pro"}, {"subscription_state", "active"}, {"credit_balance", credits + 60}}}},
       {"processed", "ignored", "processed", "ignored", "ignored", "ignored", "ignored", "processed", "ignored"});
}

TEST_F(SandboxFlows, PaymentActionKeepsTheStateUntilPaidThenGrantsSixty) {
  const auto customer = sandbox_->pro_customer();
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  const json waiting = {{"subscription_type", "pro"}, {"subscription_state", "active"}, {"credit_balance", credits}};
  walk("payment-action", customer,
       {{2, waiting}, {3, waiting}, {4, waiting}, {5, waiting},
        {6, {{"subscription_state", "active"}, {"credit_balance", credits + 60}}},
        {7, {{"subscription_state", "active"}, {"credit_balance", credits + 60}}}},
       {"ignored", "ignored", "ignored", "ignored", "ignored", "ignored", "processed", "ignored"});
}

TEST_F(SandboxFlows, RefundAndDisputeAreIgnoredAndKeepCreditsAndState) {
  // One customer per flow: walk() draws event ids from a seed per customer, the same for both flows.
  for (const std::string flow : {"refund", "dispute"}) {
    const auto customer = sandbox_->pro_customer();
    const auto before = billing_state(sandbox_->state(customer));
    walk(flow, customer, {{0, before}, {1, before}}, {"ignored", "ignored"});
  }
}

// The same four flows as a user runs them: the binary, chained on one subscription along its
// timeline (trial, then a renewal needing 3D Secure, then its refund and a dispute), with --report.
TEST_F(SandboxFlows, BillingSetFlowsThroughTheBinaryLandInTheContractsState) {
  const auto customer = sandbox_->new_customer();
  const std::string subscription = "sub_billing" + customer.stripe_id.substr(4, 13);
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  const auto t0 = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count() - 70 * 86400;
  const auto report_path = std::filesystem::temp_directory_path() /
                           ("whsim-billing-" + std::to_string(::getpid()) + ".json");
  const std::set<std::string> acted_on = {"customer.subscription.created", "customer.subscription.updated",
                                          "invoice.payment_succeeded"};
  const auto flow = [&](const std::string& name, std::int64_t start) {
    const auto result = rsolv::process::run(
        std::string(RSOLV_BIN_DIR) + "/rsolv-webhook-sim",
        {"flow", name, "--forward-to", sandbox_->webhook_url(), "--customer", customer.stripe_id, "--subscription",
         subscription, "--start", std::to_string(start), "--expect", "2xx", "--report", report_path.string(),
         "--quiet"},
        {{"RSOLV_WEBHOOK_SECRET", kSecret}});
    EXPECT_EQ(result.exit_code, 0) << name << ": " << result.out << result.err;
    std::ifstream in(report_path);
    const auto report = json::parse(in);
    EXPECT_GT(report["deliveries"].size(), 0u) << name;
    for (const auto& delivery : report["deliveries"]) {
      const auto type = delivery["type"].get<std::string>();
      EXPECT_EQ(delivery["final_status"], 200) << name << " " << type;
      const auto answer = json::parse(delivery["attempts"].back()["response_body"].get<std::string>());
      EXPECT_EQ(answer["status"], acted_on.contains(type) ? "processed" : "ignored") << name << " " << type;
    }
    return billing_state(sandbox_->state(customer));
  };
  auto state = flow("trial-end", t0);
  EXPECT_EQ(state["subscription_type"], "pro");
  EXPECT_EQ(state["subscription_state"], "active");
  EXPECT_EQ(state["credit_balance"], credits + 60);
  state = flow("payment-action", t0 + 60 * 86400);
  EXPECT_EQ(state["subscription_state"], "active");
  EXPECT_EQ(state["credit_balance"], credits + 120);
  for (const auto& [name, start] : std::vector<std::pair<std::string, std::int64_t>>{
           {"refund", t0 + 61 * 86400}, {"dispute", t0 + 62 * 86400}}) {
    state = flow(name, start);
    EXPECT_EQ(state["subscription_type"], "pro") << name;
    EXPECT_EQ(state["subscription_state"], "active") << name;
    EXPECT_EQ(state["credit_balance"], credits + 120) << name << ": the contract leaves credits alone";
  }
  std::filesystem::remove(report_path);
}

}  // namespace
}  // namespace rsolv::webhook_sim
