// The catalogue as the simulator and the load generator use it: build events by name, share ids
// across a flow, stay deterministic under a seed, and carry the current API's shapes.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/stripe/events/catalogue.hpp"
#include "rsolv/stripe/events/json_path.hpp"

namespace rsolv::stripe::events {
namespace {

using nlohmann::json;


// The events docs/platform-contract.md#events-and-flows says the platform acts on or receives.
const std::vector<std::string> kSpecEvents = {
    "customer.created",          "payment_method.attached",       "payment_method.detached",
    "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
    "customer.subscription.trial_will_end", "invoice.created",   "invoice.finalized",
    "invoice.paid",              "invoice.payment_succeeded",     "invoice.payment_failed",
    "checkout.session.completed", "charge.succeeded",             "charge.failed",
    "charge.refunded"};

// The subscription-billing set: what Stripe also sends a subscription business.
const std::vector<std::string> kBillingSetEvents = {
    "customer.subscription.paused",   "customer.subscription.resumed", "customer.subscription.pending_update_applied",
    "invoice.upcoming",               "invoice.finalization_failed",   "invoice.payment_action_required",
    "invoice.marked_uncollectible",   "invoice.voided",                "payment_intent.succeeded",
    "payment_intent.payment_failed",  "payment_intent.requires_action", "charge.dispute.created",
    "charge.dispute.closed",          "setup_intent.succeeded",        "setup_intent.setup_failed",
    "customer.deleted",               "credit_note.created"};

bool has_placeholder(const json& node) {
  if (node.is_string()) return node.get<std::string>().find("{{") != std::string::npos;
  if (node.is_structured()) {
    for (const auto& value : node) {
      if (has_placeholder(value)) return true;
    }
  }
  return false;
}

json build(const std::string& type, const json& vars = json::object(), std::uint64_t seed = 7) {
  rsolv::Random random(seed);
  rsolv::ManualClock clock(1760000000);
  return build_event(type, vars, random, clock);
}


TEST(Catalogue, BuildsEverySpecEventWithStripesEnvelope) {
  const std::regex id_pattern("evt_[0-9A-Za-z]{24}");
  for (const auto& type : kSpecEvents) {
    SCOPED_TRACE(type);
    ASSERT_NE(find_event(type), nullptr);
    const auto event = build(type);
    EXPECT_EQ(event["type"], type);
    EXPECT_EQ(event["object"], "event");
    EXPECT_EQ(event["api_version"], "2025-10-29.clover");
    EXPECT_EQ(event["livemode"], false);
    EXPECT_EQ(event["created"], 1760000000);
    EXPECT_TRUE(event["request"].contains("idempotency_key"));
    EXPECT_TRUE(std::regex_match(event["id"].get<std::string>(), id_pattern)) << event["id"];
    EXPECT_EQ(event["data"]["object"]["object"], find_event(type)->object);
    EXPECT_FALSE(has_placeholder(event)) << render(event);
  }
}

TEST(Catalogue, SameSeedSameBytesOtherSeedOtherIds) {
  EXPECT_EQ(render(build("invoice.payment_succeeded", json::object(), 42)),
            render(build("invoice.payment_succeeded", json::object(), 42)));
  const auto a = build("invoice.payment_succeeded", json::object(), 1);
  const auto b = build("invoice.payment_succeeded", json::object(), 2);
  EXPECT_NE(a["id"], b["id"]);
  EXPECT_NE(a["data"]["object"]["customer"], b["data"]["object"]["customer"]);
}

TEST(Catalogue, EventsOfOneFlowShareTheirIds) {
  rsolv::Random random(3);
  rsolv::ManualClock clock(1760000000);
  const auto vars = flow_vars(random, clock.unix_seconds());
  std::set<std::string> event_ids;
  for (const auto& type : kSpecEvents) {
    const auto event = build_event(type, vars, random, clock);
    event_ids.insert(event["id"].get<std::string>());
    const auto& object = event["data"]["object"];
    const auto& kind = object["object"];
    SCOPED_TRACE(type);
    if (kind == "customer") {
      EXPECT_EQ(object["id"], vars["customer"]);
    }
    if (kind == "payment_method") {
      EXPECT_EQ(object["id"], vars["payment_method"]);
    }
    if (kind == "subscription") {
      EXPECT_EQ(object["id"], vars["subscription"]);
      EXPECT_EQ(object["customer"], vars["customer"]);
      EXPECT_EQ(object["latest_invoice"], vars["invoice"]);
      EXPECT_EQ(object["items"]["data"][0]["subscription"], vars["subscription"]);
    }
    if (kind == "invoice") {
      EXPECT_EQ(object["id"], vars["invoice"]);
      EXPECT_EQ(object["customer"], vars["customer"]);
      EXPECT_EQ(object["parent"]["subscription_details"]["subscription"], vars["subscription"]);
      EXPECT_EQ(object["lines"]["data"][0]["invoice"], vars["invoice"]);
    }
    if (kind == "charge") {
      EXPECT_EQ(object["customer"], vars["customer"]);
      EXPECT_EQ(object["payment_method"], vars["payment_method"]);
    }
  }
  EXPECT_EQ(event_ids.size(), kSpecEvents.size()) << "every event needs its own evt_ id";
}

TEST(Catalogue, InvoiceLinesCarryThePriceWhereTheCurrentApiPutsIt) {
  const auto event = build("invoice.payment_succeeded", {{"price", "price_custom"}, {"amount", 1500}});
  const auto& line = event["data"]["object"]["lines"]["data"][0];
  EXPECT_EQ(line["pricing"]["price_details"]["price"], "price_custom");
  EXPECT_EQ(line["pricing"]["unit_amount_decimal"], "1500");
  EXPECT_FALSE(line.contains("plan")) << "legacy 2023 field";
  EXPECT_FALSE(line.contains("price")) << "legacy 2023 field";
  EXPECT_EQ(event["data"]["object"]["amount_paid"], 1500);
  EXPECT_EQ(event["data"]["object"]["total"], 1500);
}

TEST(Catalogue, EventTypesGiveTheirObjectsTheRightState) {
  EXPECT_EQ(build("invoice.created")["data"]["object"]["status"], "draft");
  EXPECT_EQ(build("invoice.created")["data"]["object"]["amount_paid"], 0);
  EXPECT_EQ(build("invoice.finalized")["data"]["object"]["status"], "open");
  EXPECT_EQ(build("invoice.paid")["data"]["object"]["status"], "paid");
  const auto failed = build("invoice.payment_failed")["data"]["object"];
  EXPECT_EQ(failed["status"], "open");
  EXPECT_GE(failed["attempt_count"].get<int>(), 1);
  EXPECT_GT(failed["next_payment_attempt"].get<std::int64_t>(), 1760000000);
  EXPECT_EQ(failed["amount_remaining"], failed["amount_due"]);
  EXPECT_EQ(build("customer.subscription.created")["data"]["object"]["status"], "incomplete");
  const auto deleted = build("customer.subscription.deleted")["data"]["object"];
  EXPECT_EQ(deleted["status"], "canceled");
  EXPECT_EQ(deleted["ended_at"], 1760000000);
  const auto detached = build("payment_method.detached");
  EXPECT_TRUE(detached["data"]["object"]["customer"].is_null());
  EXPECT_TRUE(detached["data"]["previous_attributes"]["customer"].get<std::string>().starts_with("cus_"));
  const auto failed_charge = build("charge.failed")["data"]["object"];
  EXPECT_EQ(failed_charge["status"], "failed");
  EXPECT_EQ(failed_charge["failure_code"], "card_declined");
  EXPECT_EQ(build("charge.refunded")["data"]["object"]["refunded"], true);
}

TEST(Catalogue, CallerValuesWinOverTheEventTypesOwn) {
  const auto event = build("customer.subscription.updated",
                           {{"subscription_status", "past_due"}, {"previous_attributes", {{"status", "active"}}},
                            {"customer", "cus_given"}, {"event_id", "evt_given"}});
  EXPECT_EQ(event["id"], "evt_given");
  EXPECT_EQ(event["data"]["object"]["status"], "past_due");
  EXPECT_EQ(event["data"]["object"]["customer"], "cus_given");
  EXPECT_EQ(event["data"]["previous_attributes"], json({{"status", "active"}}));
  const auto without = build("customer.subscription.updated", {{"previous_attributes", nullptr}});
  EXPECT_FALSE(without["data"].contains("previous_attributes"));
}

TEST(Catalogue, UnknownTypesAndVariablesAreOneLineUsageErrors) {
  try {
    build("invoice.payed");
    FAIL() << "no error";
  } catch (const rsolv::UsageError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("invoice.payed"), std::string::npos);
    EXPECT_NE(message.find("invoice.paid"), std::string::npos) << "lists the known types";
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
  EXPECT_THROW(build("invoice.paid", {{"custmer", "cus_x"}}), rsolv::UsageError);
  EXPECT_THROW(build("invoice.paid", {{"amount", "lots"}}), rsolv::UsageError);
  EXPECT_THROW(build("invoice.paid", {{"name", "{{name}}"}}), rsolv::UsageError);
}

TEST(Catalogue, IdsLookLikeStripes) {
  rsolv::Random random(9);
  const auto vars = flow_vars(random, 1760000000);
  for (const auto& [name, prefix] : std::vector<std::pair<std::string, std::string>>{
           {"customer", "cus_"}, {"subscription", "sub_"}, {"invoice", "in_"}, {"payment_method", "pm_"}}) {
    const auto id = vars[name].get<std::string>();
    EXPECT_TRUE(std::regex_match(id, std::regex(prefix + "[0-9A-Za-z]{24}"))) << id;
  }
}

TEST(Catalogue, RenderIsStripesPrettyJsonAndRoundTrips) {
  const auto event = build("charge.succeeded");
  const auto body = render(event);
  EXPECT_NE(body.find("\n  \"api_version\""), std::string::npos);
  EXPECT_EQ(json::parse(body), event);
  EXPECT_EQ(render(event, false).find('\n'), std::string::npos);
}

TEST(Catalogue, BuildsTheSubscriptionBillingSetWithStripesEnvelope) {
  for (const auto& type : kBillingSetEvents) {
    SCOPED_TRACE(type);
    ASSERT_NE(find_event(type), nullptr);
    const auto event = build(type);
    EXPECT_EQ(event["type"], type);
    EXPECT_EQ(event["data"]["object"]["object"], find_event(type)->object);
    EXPECT_FALSE(has_placeholder(event)) << render(event);
  }
}

// One lifecycle's objects point at each other: the payment intent at its charge, the charge at
// its payment intent, the dispute at both, the credit note at the invoice, its line and the refund.
TEST(Catalogue, NewObjectsReferenceTheIdsOfTheirFlow) {
  rsolv::Random random(11);
  rsolv::ManualClock clock(1760000000);
  const auto vars = flow_vars(random, clock.unix_seconds());
  const auto object = [&](const std::string& type) { return build_event(type, vars, random, clock)["data"]["object"]; };
  const auto intent = object("payment_intent.succeeded");
  EXPECT_EQ(intent["id"], vars["payment_intent"]);
  EXPECT_EQ(intent["customer"], vars["customer"]);
  EXPECT_EQ(intent["latest_charge"], vars["charge"]);
  EXPECT_EQ(intent["payment_method"], vars["payment_method"]);
  EXPECT_EQ(intent["amount_received"], intent["amount"]);
  EXPECT_TRUE(intent["client_secret"].get<std::string>().starts_with(vars["payment_intent"].get<std::string>() + "_secret_"));
  EXPECT_EQ(object("charge.succeeded")["payment_intent"], vars["payment_intent"]);
  const auto dispute = object("charge.dispute.created");
  EXPECT_EQ(dispute["id"], vars["dispute"]);
  EXPECT_EQ(dispute["charge"], vars["charge"]);
  EXPECT_EQ(dispute["payment_intent"], vars["payment_intent"]);
  const auto note = object("credit_note.created");
  EXPECT_EQ(note["customer"], vars["customer"]);
  EXPECT_EQ(note["invoice"], vars["invoice"]);
  EXPECT_EQ(note["lines"]["data"][0]["invoice_line_item"], vars["invoice_line"]);
  EXPECT_EQ(note["refunds"][0]["refund"], vars["refund"]);
  EXPECT_EQ(note["refunds"][0]["amount_refunded"], note["total"]);
  const auto setup = object("setup_intent.succeeded");
  EXPECT_EQ(setup["customer"], vars["customer"]);
  EXPECT_EQ(setup["payment_method"], vars["payment_method"]);
  EXPECT_EQ(object("customer.deleted")["id"], vars["customer"]);
  EXPECT_EQ(object("invoice.payment_action_required")["id"], vars["invoice"]);
}

TEST(Catalogue, NewEventTypesGiveTheirObjectsTheRightState) {
  EXPECT_EQ(build("customer.subscription.paused")["data"]["object"]["status"], "paused");
  EXPECT_EQ(build("customer.subscription.paused")["data"]["object"]["trial_settings"]["end_behavior"]["missing_payment_method"], "pause");
  EXPECT_EQ(build("customer.subscription.resumed")["data"]["object"]["status"], "active");
  const auto applied = build("customer.subscription.pending_update_applied")["data"];
  EXPECT_TRUE(applied["object"]["pending_update"].is_null());
  EXPECT_TRUE(applied["previous_attributes"]["pending_update"].is_object());

  const auto upcoming = build("invoice.upcoming")["data"]["object"];
  EXPECT_TRUE(upcoming["id"].is_null()) << "Stripe: the upcoming invoice has no id";
  EXPECT_EQ(upcoming["billing_reason"], "upcoming");
  const auto& line_period = upcoming["lines"]["data"][0]["period"];
  EXPECT_EQ(line_period["start"], upcoming["period_end"]) << "it bills the period after the current one";
  EXPECT_GT(line_period["end"].get<std::int64_t>(), line_period["start"].get<std::int64_t>());

  const auto not_final = build("invoice.finalization_failed")["data"]["object"];
  EXPECT_EQ(not_final["status"], "draft");
  EXPECT_TRUE(not_final["last_finalization_error"]["message"].is_string());
  EXPECT_EQ(not_final["automatic_tax"]["enabled"], true);
  const auto action = build("invoice.payment_action_required")["data"]["object"];
  EXPECT_EQ(action["status"], "open");
  EXPECT_EQ(action["amount_paid"], 0);
  const auto uncollectible = build("invoice.marked_uncollectible")["data"]["object"];
  EXPECT_EQ(uncollectible["status"], "uncollectible");
  EXPECT_EQ(uncollectible["status_transitions"]["marked_uncollectible_at"], 1760000000);
  const auto voided = build("invoice.voided")["data"]["object"];
  EXPECT_EQ(voided["status"], "void");
  EXPECT_EQ(voided["status_transitions"]["voided_at"], 1760000000);

  const auto failed = build("payment_intent.payment_failed")["data"]["object"];
  EXPECT_EQ(failed["status"], "requires_payment_method");
  EXPECT_EQ(failed["last_payment_error"]["code"], "card_declined");
  EXPECT_EQ(failed["amount_received"], 0);
  const auto needs_action = build("payment_intent.requires_action")["data"]["object"];
  EXPECT_EQ(needs_action["status"], "requires_action");
  EXPECT_EQ(needs_action["next_action"]["type"], "use_stripe_sdk");
  EXPECT_TRUE(needs_action["latest_charge"].is_null());
  EXPECT_EQ(build("setup_intent.setup_failed")["data"]["object"]["status"], "requires_payment_method");
  EXPECT_EQ(build("setup_intent.succeeded")["data"]["object"]["status"], "succeeded");

  const auto opened = build("charge.dispute.created")["data"]["object"];
  EXPECT_EQ(opened["status"], "needs_response");
  EXPECT_GT(opened["evidence_details"]["due_by"].get<std::int64_t>(), opened["created"].get<std::int64_t>());
  const auto closed = build("charge.dispute.closed", {{"dispute_created", 1759000000}})["data"]["object"];
  EXPECT_EQ(closed["status"], "lost");
  EXPECT_EQ(closed["created"], 1759000000) << "a dispute keeps the time it was opened";
  EXPECT_EQ(closed["evidence_details"]["due_by"], 1759000000 + 7 * 86400);
}

// A time variable may name another one ("{{flow_start}}"), as flow files need; a loop is an error.
TEST(Catalogue, TimeVariablesMayNameAnotherTimeVariable) {
  const auto closed = build("charge.dispute.closed", {{"dispute_created", "{{period_start}}"}, {"period_start", 1759000000}});
  EXPECT_EQ(closed["data"]["object"]["created"], 1759000000);
  EXPECT_EQ(closed["data"]["object"]["evidence_details"]["due_by"], 1759000000 + 7 * 86400);
  EXPECT_THROW(build("invoice.paid", {{"period_start", "{{period_start}}"}}), rsolv::UsageError);
  EXPECT_THROW(build("invoice.paid", {{"period_start", "soon"}}), rsolv::UsageError);
}

TEST(Catalogue, GroupsByObjectInTheOrderOfASubscriptionsLife) {
  std::vector<std::string> objects;
  std::size_t events = 0;
  for (const auto& group : catalogue_by_object()) {
    objects.push_back(group.object);
    events += group.events.size();
    for (const auto& info : group.events) EXPECT_EQ(info.object, group.object) << info.type;
  }
  EXPECT_EQ(objects, (std::vector<std::string>{"customer", "payment_method", "subscription", "checkout.session", "invoice",
                                               "payment_intent", "charge", "dispute", "setup_intent", "credit_note"}));
  EXPECT_EQ(events, catalogue().size());
}

}  // namespace
}  // namespace rsolv::stripe::events
