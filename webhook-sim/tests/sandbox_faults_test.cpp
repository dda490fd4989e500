// Stripe's delivery faults against a real rsolv-sandbox: duplicates (sequential and concurrent)
// change nothing, broken signatures get 401 and change nothing, shuffled flows converge.
#include <gtest/gtest.h>

#include <algorithm>

#include "rsolv/webhook_sim/flow.hpp"
#include "sandbox_support.hpp"

namespace rsolv::webhook_sim {
namespace {

using namespace rsolv::webhook_sim::testing;
using nlohmann::json;

class SandboxFaults : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sandbox_ = new Sandbox(); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }
  static Sandbox* sandbox_;
};

Sandbox* SandboxFaults::sandbox_ = nullptr;

std::string answer_status(const DeliveryRecord& delivery) {
  const auto body = json::parse(delivery.attempts.back().response_body, nullptr, false);
  return body.is_object() ? body.value("status", "") : "";
}

TEST_F(SandboxFaults, SequentialDuplicatesOfAWholeFlowChangeNothing) {
  const auto once = sandbox_->new_customer();
  const auto thrice = sandbox_->new_customer();
  ASSERT_TRUE(run_flow(*sandbox_, "pro-signup", once, options_for(*sandbox_), 3).all_matched());
  auto options = options_for(*sandbox_);
  options.copies = 3;
  const auto result = run_flow(*sandbox_, "pro-signup", thrice, options, 4);
  ASSERT_TRUE(result.all_matched());
  for (const auto& delivery : result.deliveries) {
    EXPECT_EQ(answer_status(delivery) == "duplicate", delivery.copy > 1) << delivery.type << " copy " << delivery.copy;
  }
  EXPECT_EQ(billing_state(sandbox_->state(thrice)), billing_state(sandbox_->state(once)));
}

TEST_F(SandboxFaults, ConcurrentDuplicatesCreditOnce) {
  const auto customer = sandbox_->pro_customer();
  const auto credits = sandbox_->state(customer)["credit_balance"].get<int>();
  auto events = flow_events("renewal", customer, 6);
  std::erase_if(events, [](const json& e) { return e["type"] != "invoice.payment_succeeded"; });
  ASSERT_EQ(events.size(), 1u);
  auto options = options_for(*sandbox_);
  options.copies = 16;
  options.concurrent = true;
  const auto result = send_events(events, options);
  ASSERT_TRUE(result.all_matched());
  int processed = 0, duplicate = 0;
  for (const auto& delivery : result.deliveries) {
    processed += answer_status(delivery) == "processed";
    duplicate += answer_status(delivery) == "duplicate";
  }
  EXPECT_EQ(processed, 1);
  EXPECT_EQ(duplicate, 15);
  EXPECT_EQ(sandbox_->state(customer)["credit_balance"], credits + 60);
}

TEST_F(SandboxFaults, TamperedStaleAndUnsignedDeliveriesGet401AndChangeNothing) {
  const auto customer = sandbox_->pro_customer();
  const auto before = billing_state(sandbox_->state(customer));
  auto events = flow_events("renewal", customer, 7);
  std::erase_if(events, [](const json& e) { return e["type"] != "invoice.payment_succeeded"; });
  struct Fault {
    const char* name;
    SigningOptions signing;
  };
  const rsolv::Secret secret(kSecret);
  std::vector<Fault> faults = {{"tampered body", {{secret}, Tamper::body, 0, false}},
                               {"tampered signature", {{secret}, Tamper::signature, 0, false}},
                               {"tampered timestamp", {{secret}, Tamper::timestamp, 0, false}},
                               {"stale by 301 s", {{secret}, Tamper::none, 301, false}},
                               {"stale by a day", {{secret}, Tamper::none, 86400, false}},
                               {"unsigned", {{}, Tamper::none, 0, true}},
                               {"wrong secret", {{rsolv::Secret("whsec_not_the_endpoints")}, Tamper::none, 0, false}}};
  for (const auto& fault : faults) {
    auto options = options_for(*sandbox_);
    options.signing = fault.signing;
    options.expect = Expectation::parse("401");
    const auto result = send_events(events, options);
    EXPECT_TRUE(result.all_matched()) << fault.name << " answered " << result.deliveries[0].final_status();
  }
  EXPECT_EQ(billing_state(sandbox_->state(customer)), before);
  // Nothing was recorded: the same event, signed properly, is processed now.
  const auto valid = send_events(events, options_for(*sandbox_));
  ASSERT_TRUE(valid.all_matched());
  EXPECT_EQ(answer_status(valid.deliveries[0]), "processed");
  EXPECT_EQ(sandbox_->state(customer)["credit_balance"], before["credit_balance"].get<int>() + 60);
}

TEST_F(SandboxFaults, RotationHeaderWithTwoV1IsAcceptedWhenOneSecretMatches) {
  const auto customer = sandbox_->new_customer();
  auto events = flow_events("pro-signup", customer, 8);
  std::erase_if(events, [](const json& e) { return e["type"] != "customer.subscription.created"; });
  auto options = options_for(*sandbox_);
  options.signing.secrets = {rsolv::Secret("whsec_retired_secret"), rsolv::Secret(kSecret)};
  const auto result = send_events(events, options);
  ASSERT_TRUE(result.all_matched()) << result.deliveries[0].final_status();
  EXPECT_EQ(sandbox_->state(customer)["subscription_state"], "incomplete");
}

// Delivers `flow` in Stripe's order to one customer and shuffled (4 seeds, with Stripe's retries on)
// to fresh customers; returns (ordered state, shuffled states with their delivery order).
struct ShuffleRun {
  json ordered;
  std::vector<std::pair<json, std::string>> shuffled;
};

ShuffleRun shuffle_flow(Sandbox& sandbox, const std::string& flow) {
  const bool needs_pro = flow != "pro-signup";
  ShuffleRun run;
  const auto ordered = needs_pro ? sandbox.pro_customer() : sandbox.new_customer();
  EXPECT_TRUE(run_flow(sandbox, flow, ordered, options_for(sandbox), 21).all_matched());
  run.ordered = billing_state(sandbox.state(ordered));
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    const auto customer = needs_pro ? sandbox.pro_customer() : sandbox.new_customer();
    auto options = options_for(sandbox);
    options.shuffle = true;
    options.retry = RetryMode::live;
    options.time_compression = 360000;  // 1 min -> 0.17 ms
    const auto result = send_events(flow_events(flow, customer, 21 + seed), options, seed);
    EXPECT_TRUE(result.all_matched()) << flow << " seed " << seed;
    std::string order = flow + " seed " + std::to_string(seed) + ":";
    for (const auto& d : result.deliveries) order += " " + d.type;
    run.shuffled.emplace_back(billing_state(sandbox.state(customer)), order);
  }
  return run;
}

// Credits and billing never depend on the order; nor does the whole state of flows whose events
// all agree on the subscription state.
TEST_F(SandboxFaults, ShuffledFlowsGrantTheSameCreditsAndEndInTheSameBillingState) {
  for (const std::string flow : {"renewal", "failed-renewal", "cancel-now"}) {
    const auto run = shuffle_flow(*sandbox_, flow);
    for (const auto& [state, order] : run.shuffled) EXPECT_EQ(state, run.ordered) << order;
  }
  for (const std::string flow : {"pro-signup", "recovery", "cancel-at-period-end"}) {
    const auto run = shuffle_flow(*sandbox_, flow);
    for (const auto& [state, order] : run.shuffled) {
      EXPECT_EQ(state["credit_balance"], run.ordered["credit_balance"]) << order;
      EXPECT_EQ(state["has_billing"], run.ordered["has_billing"]) << order;
    }
  }
}

// Out-of-order flows end in the same subscription state too: the sandbox keeps, per subscription,
// the newest event applied (event.created) and whether it was deleted, so a late
// customer.subscription.created "incomplete" cannot undo "active", nor a late update a deletion.
TEST_F(SandboxFaults, ShuffledFlowsEndInTheSameSubscriptionState) {
  for (const std::string flow : {"pro-signup", "recovery", "cancel-at-period-end"}) {
    const auto run = shuffle_flow(*sandbox_, flow);
    for (const auto& [state, order] : run.shuffled) EXPECT_EQ(state, run.ordered) << order;
  }
}

// The recovery flow's events that set the subscription state: payment_failed, updated past_due,
// payment_succeeded, updated active (in Stripe's order).
std::vector<json> recovery_state_events(const Customer& customer, std::uint64_t seed) {
  auto events = flow_events("recovery", customer, seed);
  std::erase_if(events, [](const json& e) {
    const auto type = e["type"].get<std::string>();
    return type != "invoice.payment_failed" && type != "invoice.payment_succeeded" &&
           type != "customer.subscription.updated";
  });
  return events;
}

// Every arrival order of those four events (4! = 24) ends active with +60 credits, as Stripe's
// order does.
TEST_F(SandboxFaults, EveryOrderOfARecoveryEndsActiveWithItsCredits) {
  std::vector<std::size_t> order = {0, 1, 2, 3};
  std::uint64_t seed = 40;
  do {
    const auto customer = sandbox_->pro_customer();
    const auto before = sandbox_->state(customer)["credit_balance"].get<int>();
    const auto events = recovery_state_events(customer, ++seed);
    ASSERT_EQ(events.size(), order.size());
    std::vector<json> arranged;
    std::string described;
    for (auto index : order) {
      arranged.push_back(events[index]);
      described += " " + events[index]["type"].get<std::string>() + "@" + events[index]["created"].dump();
    }
    ASSERT_TRUE(send_events(arranged, options_for(*sandbox_)).all_matched()) << described;
    const auto state = sandbox_->state(customer);
    EXPECT_EQ(state["subscription_state"], "active") << described;
    EXPECT_EQ(state["credit_balance"], before + 60) << described;
  } while (std::next_permutation(order.begin(), order.end()));
}

// An event for a customer the platform does not know yet is refused with 422 and not recorded, so
// Stripe's retries (here the test-mode schedule, compressed) hit it again; once retries run out the
// report shows every attempt.
TEST_F(SandboxFaults, UnknownCustomerIsRetriedOnStripesScheduleAndNeverRecorded) {
  Customer stranger{"", "cus_" + std::string(24, 'Z')};
  auto events = flow_events("renewal", stranger, 9);
  std::erase_if(events, [](const json& e) { return e["type"] != "invoice.payment_succeeded"; });
  auto options = options_for(*sandbox_);
  options.retry = RetryMode::test;
  options.time_compression = 1e6;
  options.expect = Expectation::parse("422");
  const auto result = send_events(events, options);
  ASSERT_EQ(result.deliveries.size(), 1u);
  EXPECT_EQ(result.deliveries[0].attempts.size(), 4u) << "first attempt + Stripe's three test-mode retries";
  for (const auto& attempt : result.deliveries[0].attempts) {
    EXPECT_EQ(attempt.status, 422);
    EXPECT_NE(attempt.response_body.find("unknown_customer"), std::string::npos);
  }
  EXPECT_TRUE(result.all_matched());
}

}  // namespace
}  // namespace rsolv::webhook_sim
