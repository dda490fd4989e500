// Flows as data: the built-in ones build with shared ids and in order; bad files fail at file:line:col.
#include <gtest/gtest.h>

#include <set>

#include "rsolv/common/error.hpp"
#include "rsolv/webhook_sim/flow.hpp"

namespace ws = rsolv::webhook_sim;
using nlohmann::json;

TEST(Flows, AllSixLifecyclesOfTheSpecAreBuiltIn) {
  std::set<std::string> names;
  for (const auto& flow : ws::builtin_flows()) names.insert(flow.name);
  EXPECT_EQ(names, (std::set<std::string>{"pro-signup", "renewal", "failed-renewal", "recovery",
                                          "cancel-at-period-end", "cancel-now"}));
}

TEST(Flows, ProSignupFollowsStripesOrderWithSharedIds) {
  rsolv::Random random(1);
  const auto events = ws::build_flow(ws::load_flow("pro-signup"), {{"customer", "cus_given"}}, random, 1760000000);
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
  const auto events = ws::build_flow(ws::load_flow("failed-renewal"), json::object(), random, 1760000000);
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
  const auto flow = ws::parse_flow(R"(name: custom
steps:
  - event: invoice.payment_succeeded
    set: {data.object.metadata.source: flow-file}
  - event: customer.subscription.deleted
    at: 3600
)", "custom.yaml");
  rsolv::Random random(3);
  const auto events = ws::build_flow(flow, {{"amount", 1500}, {"price", "price_other"}}, random, 1760000000);
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
      ws::parse_flow(text, "bad.yaml");
      ADD_FAILURE() << "accepted";
    } catch (const rsolv::UsageError& error) {
      EXPECT_EQ(std::string(error.what()).rfind("bad.yaml:2:", 0), 0u) << error.what();
      EXPECT_NE(std::string(error.what()).find("not valid UTF-8"), std::string::npos) << error.what();
    }
  }
}

TEST(Flows, BadFlowsFailWithFileLineAndColumn) {
  try {
    ws::parse_flow("name: x\nsteps:\n  - event: invoice.payed\n", "bad.yaml");
    FAIL() << "no error";
  } catch (const rsolv::UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("bad.yaml:3:"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("invoice.payed"), std::string::npos);
  }
  EXPECT_THROW(ws::parse_flow("name: x\nsteps:\n  - event: invoice.paid\n    evnt: 1\n", "bad.yaml"), rsolv::UsageError);
  EXPECT_THROW(ws::parse_flow("name: x\nsteps: []\n", "bad.yaml"), rsolv::UsageError);
  EXPECT_THROW(ws::load_flow("pro-sign-up"), rsolv::UsageError);
}
