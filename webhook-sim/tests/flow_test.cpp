// Flows as data: the built-in ones build with shared ids and in order; bad files fail at file:line:col.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "rsolv/common/error.hpp"
#include "rsolv/webhook_sim/flow.hpp"

namespace rsolv::webhook_sim {
namespace {

using nlohmann::json;

TEST(Flows, TheSpecsLifecyclesAndTheBillingSetsAreBuiltIn) {
  std::set<std::string> names;
  for (const auto& flow : builtin_flows()) names.insert(flow.name);
  EXPECT_EQ(names, (std::set<std::string>{"pro-signup", "renewal", "failed-renewal", "recovery",
                                          "cancel-at-period-end", "cancel-now", "trial-end", "payment-action",
                                          "refund", "dispute"}));
}

std::vector<json> built(const std::string& name, std::uint64_t seed = 4) {
  rsolv::Random random(seed);
  return build_flow(load_flow(name), {{"customer", "cus_given"}}, random, 1760000000);
}

std::vector<std::string> types_of(const std::vector<json>& events) {
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event["type"]);
  return types;
}

// The trial ends 30 days after the flow starts; Stripe warns three days before, and the first paid
// invoice bills the period that starts when the trial ends.
TEST(Flows, TrialEndWarnsThreeDaysAheadThenBillsThePeriodAfterTheTrial) {
  const auto events = built("trial-end");
  ASSERT_EQ(types_of(events), (std::vector<std::string>{
                                  "customer.subscription.created", "customer.subscription.trial_will_end",
                                  "customer.subscription.updated", "invoice.created", "invoice.finalized",
                                  "payment_intent.succeeded", "charge.succeeded", "invoice.payment_succeeded",
                                  "invoice.paid"}));
  const auto& created = events[0]["data"]["object"];
  EXPECT_EQ(created["status"], "trialing");
  const auto trial_end = created["trial_end"].get<std::int64_t>();
  EXPECT_EQ(created["trial_start"], 1760000000);
  EXPECT_EQ(trial_end, 1760000000 + 30 * 86400);
  const auto& warning = events[1];
  EXPECT_EQ(warning["data"]["object"]["trial_end"], trial_end);
  EXPECT_EQ(trial_end - warning["created"].get<std::int64_t>(), 3 * 86400) << "trial_will_end comes three days before";
  const auto& activated = events[2]["data"];
  EXPECT_EQ(activated["object"]["status"], "active");
  EXPECT_EQ(activated["previous_attributes"]["status"], "trialing");
  EXPECT_EQ(activated["object"]["items"]["data"][0]["current_period_start"], trial_end);
  EXPECT_GE(events[2]["created"].get<std::int64_t>(), trial_end);
  std::set<std::string> subscriptions;
  for (const auto& event : events) {
    const auto& object = event["data"]["object"];
    EXPECT_EQ(object["customer"], "cus_given") << event["type"];
    if (object["object"] == "subscription") subscriptions.insert(object["id"].get<std::string>());
    if (object["object"] != "invoice") continue;
    EXPECT_EQ(object["billing_reason"], "subscription_cycle");
    EXPECT_EQ(object["lines"]["data"][0]["period"]["start"], trial_end) << "the first paid period starts at the trial's end";
    EXPECT_EQ(object["parent"]["subscription_details"]["subscription"], created["id"]);
  }
  EXPECT_EQ(subscriptions.size(), 1u);
}

// The payment-action chain: invoice.payment_action_required -> payment_intent.requires_action ->
// payment_intent.succeeded -> invoice.paid, all about one invoice, one intent and one charge.
TEST(Flows, PaymentActionWaitsForTheCustomerThenPaysOneIntent) {
  const auto events = built("payment-action");
  const auto types = types_of(events);
  const auto at = [&](const std::string& type) {
    return static_cast<std::size_t>(std::find(types.begin(), types.end(), type) - types.begin());
  };
  ASSERT_LT(at("invoice.payment_action_required"), at("payment_intent.requires_action"));
  ASSERT_LT(at("payment_intent.requires_action"), at("payment_intent.succeeded"));
  ASSERT_LT(at("payment_intent.succeeded"), at("invoice.paid"));
  ASSERT_LT(at("invoice.paid"), types.size());
  const auto& action = events[at("invoice.payment_action_required")]["data"]["object"];
  EXPECT_EQ(action["status"], "open");
  const auto& waiting = events[at("payment_intent.requires_action")]["data"]["object"];
  const auto& paid_intent = events[at("payment_intent.succeeded")]["data"]["object"];
  const auto& charge = events[at("charge.succeeded")]["data"]["object"];
  EXPECT_EQ(waiting["status"], "requires_action");
  EXPECT_EQ(waiting["id"], paid_intent["id"]);
  EXPECT_EQ(paid_intent["status"], "succeeded");
  EXPECT_EQ(paid_intent["latest_charge"], charge["id"]);
  EXPECT_EQ(charge["payment_intent"], paid_intent["id"]);
  EXPECT_EQ(charge["payment_method_details"]["card"]["three_d_secure"]["result"], "authenticated");
  EXPECT_EQ(events[at("invoice.paid")]["data"]["object"]["id"], action["id"]);
  EXPECT_GE(events[at("payment_intent.succeeded")]["created"].get<std::int64_t>() -
                events[at("payment_intent.requires_action")]["created"].get<std::int64_t>(), 3000)
      << "the customer authenticates later, not in the same second";
}

TEST(Flows, RefundAndDisputeReferToOneChargeAndInvoice) {
  const auto refund = built("refund");
  ASSERT_EQ(types_of(refund), (std::vector<std::string>{"charge.refunded", "credit_note.created"}));
  const auto& charge = refund[0]["data"]["object"];
  const auto& note = refund[1]["data"]["object"];
  EXPECT_EQ(charge["amount_refunded"], charge["amount"]);
  EXPECT_EQ(note["refunds"][0]["amount_refunded"], charge["amount_refunded"]);
  EXPECT_EQ(note["customer"], charge["customer"]);
  EXPECT_TRUE(note["invoice"].get<std::string>().starts_with("in_"));

  const auto dispute = built("dispute");
  ASSERT_EQ(types_of(dispute), (std::vector<std::string>{"charge.dispute.created", "charge.dispute.closed"}));
  const auto& opened = dispute[0]["data"]["object"];
  const auto& closed = dispute[1]["data"]["object"];
  EXPECT_EQ(opened["id"], closed["id"]);
  EXPECT_EQ(opened["charge"], closed["charge"]);
  EXPECT_EQ(closed["created"], opened["created"]) << "closing does not move when the dispute opened";
  EXPECT_EQ(closed["status"], "lost");
  EXPECT_GT(dispute[1]["created"].get<std::int64_t>(), opened["evidence_details"]["due_by"].get<std::int64_t>());
}

TEST(Flows, ProSignupFollowsStripesOrderWithSharedIds) {
  rsolv::Random random(1);
  const auto events = build_flow(load_flow("pro-signup"), {{"customer", "cus_given"}}, random, 1760000000);
  std::vector<std::string> types;
  std::set<std::string> subscriptions, invoices;
  std::int64_t last_created = 0;
  for (const auto& event : events) {
    types.push_back(event["type"]);
    const auto& object = event["data"]["object"];
    const auto owner = object["object"] == "customer" ? object["id"] : object["customer"];
    EXPECT_EQ(owner, "cus_given") << event["type"];
    if (object["object"] == "subscription") subscriptions.insert(object["id"].get<std::string>());
    if (object["object"] == "invoice") invoices.insert(object["id"].get<std::string>());
    EXPECT_GT(event["created"].get<std::int64_t>(), last_created) << "strictly increasing created";
    last_created = event["created"];
  }
  EXPECT_EQ(types, (std::vector<std::string>{"customer.created", "payment_method.attached",
                                             "customer.subscription.created", "invoice.created", "invoice.finalized",
                                             "charge.succeeded", "invoice.payment_succeeded", "invoice.paid",
                                             "customer.subscription.updated"}));
  EXPECT_EQ(subscriptions.size(), 1u);
  EXPECT_EQ(invoices.size(), 1u);
  EXPECT_EQ(events[2]["data"]["object"]["status"], "incomplete");
  EXPECT_EQ(events[8]["data"]["object"]["status"], "active");
  EXPECT_EQ(events[8]["data"]["previous_attributes"]["status"], "incomplete");
}

TEST(Flows, FailedRenewalCarriesAttemptCountAndNextAttempt) {
  rsolv::Random random(2);
  const auto events = build_flow(load_flow("failed-renewal"), json::object(), random, 1760000000);
  const auto failed = std::find_if(events.begin(), events.end(),
                                   [](const json& e) { return e["type"] == "invoice.payment_failed"; });
  ASSERT_NE(failed, events.end());
  const auto& invoice = (*failed)["data"]["object"];
  EXPECT_EQ(invoice["attempt_count"], 1);
  EXPECT_EQ(invoice["billing_reason"], "subscription_cycle");
  EXPECT_GT(invoice["next_payment_attempt"].get<std::int64_t>(), (*failed)["created"].get<std::int64_t>());
  EXPECT_EQ(events.back()["data"]["object"]["status"], "past_due");
}

TEST(Flows, CallerVariablesWinAndStepEditsApply) {
  const auto flow = parse_flow(R"(name: custom
steps:
  - event: invoice.payment_succeeded
    set: {data.object.metadata.source: flow-file}
  - event: customer.subscription.deleted
    at: 3600
)", "custom.yaml");
  rsolv::Random random(3);
  const auto events = build_flow(flow, {{"amount", 1500}, {"price", "price_other"}}, random, 1760000000);
  EXPECT_EQ(events[0]["data"]["object"]["amount_paid"], 1500);
  EXPECT_EQ(events[0]["data"]["object"]["lines"]["data"][0]["pricing"]["price_details"]["price"], "price_other");
  EXPECT_EQ(events[0]["data"]["object"]["metadata"]["source"], "flow-file");
  EXPECT_EQ(events[1]["created"], 1760000000 + 3600);
}

// Found by the webhook_flow fuzz target: a variable that is not UTF-8 failed without file or line
// (and, before, threw nlohmann's type_error when the event was rendered).
TEST(Flows, TextThatIsNotUtf8FailsAtItsLine) {
  for (const char* text : {"name: x\nvars: {reason: sub\xff}\nsteps:\n  - event: invoice.paid\n",
                           "name: x\nvars: {reason: 'sub\xff'}\nsteps:\n  - event: invoice.paid\n",
                           "name: x\nvars: {re\xff" "ason: 1}\nsteps:\n  - event: invoice.paid\n"}) {
    try {
      parse_flow(text, "bad.yaml");
      ADD_FAILURE() << "accepted";
    } catch (const rsolv::UsageError& error) {
      EXPECT_EQ(std::string(error.what()).rfind("bad.yaml:2:", 0), 0u) << error.what();
      EXPECT_NE(std::string(error.what()).find("not valid UTF-8"), std::string::npos) << error.what();
    }
  }
}

TEST(Flows, BadFlowsFailWithFileLineAndColumn) {
  try {
    parse_flow("name: x\nsteps:\n  - event: invoice.payed\n", "bad.yaml");
    FAIL() << "no error";
  } catch (const rsolv::UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("bad.yaml:3:"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("invoice.payed"), std::string::npos);
  }
  EXPECT_THROW(parse_flow("name: x\nsteps:\n  - event: invoice.paid\n    evnt: 1\n", "bad.yaml"), rsolv::UsageError);
  EXPECT_THROW(parse_flow("name: x\nsteps: []\n", "bad.yaml"), rsolv::UsageError);
  EXPECT_THROW(load_flow("pro-sign-up"), rsolv::UsageError);
}

}  // namespace
}  // namespace rsolv::webhook_sim
