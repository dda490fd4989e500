// Stripe events through the platform layer: signature checks over the raw bytes, each event's
// effect, Stripe's real payload shapes (nullable fields, detached payment methods), and what is
// recorded when.
#include "platform_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;

class PlatformWebhooks : public PlatformFixture {
 protected:
  // A customer with billing (and so a cus_ id); returns the id and the Stripe id.
  std::pair<CustomerId, std::string> billed(const std::string& email) {
    const auto id = onboard(email);
    add_billing(id);
    return {id, stripe_customer(id)};
  }
  static json subscription(const std::string& customer, const std::string& status, bool cancel_at_period_end = false) {
    return {{"id", "sub_fixture"},
            {"object", "subscription"},
            {"customer", customer},
            {"status", status},
            {"cancel_at_period_end", cancel_at_period_end}};
  }
};

TEST_F(PlatformWebhooks, PaidProInvoiceGrantsSixtyActivatesAndRecordsTheInvoice) {
  const auto [id, cus] = billed("paid@example.com");
  ASSERT_EQ(status_of(deliver(event("evt_paid", "invoice.payment_succeeded", pro_invoice(cus)))), "processed");
  EXPECT_EQ(balance(id), 70);
  EXPECT_EQ(me(id)["subscription_type"], "pro");
  EXPECT_EQ(me(id)["subscription_state"], "active");
  const auto row = json::parse(api().transactions(id).body)["transactions"][0];
  EXPECT_EQ(row["source"], "pro_subscription_payment");
  EXPECT_EQ(row["amount"], 60);
  EXPECT_EQ(row["metadata"]["invoice"], "in_fixture");
  EXPECT_EQ(ledger_sum(id), 70);
}

TEST_F(PlatformWebhooks, InvoiceForAnotherPriceIsIgnoredButRecorded) {
  const auto [id, cus] = billed("otherprice@example.com");
  const auto result = deliver(event("evt_other_price", "invoice.payment_succeeded", pro_invoice(cus, "price_team")));
  EXPECT_EQ(status_of(result), "ignored");
  EXPECT_EQ(balance(id), 10);
  EXPECT_EQ(webhook_rows(), 1);
  EXPECT_EQ(status_of(deliver(event("evt_other_price", "invoice.payment_succeeded", pro_invoice(cus, "price_team")))),
            "duplicate");
}

TEST_F(PlatformWebhooks, ProLineAmongOtherLinesCounts) {
  const auto [id, cus] = billed("multiline@example.com");
  auto invoice = pro_invoice(cus, "price_addon");
  invoice["lines"]["data"].push_back({{"pricing", {{"price_details", {{"price", "price_pro_monthly"}}}}}});
  EXPECT_EQ(status_of(deliver(event("evt_multi", "invoice.payment_succeeded", invoice))), "processed");
  EXPECT_EQ(balance(id), 70);
}

TEST_F(PlatformWebhooks, NullableInvoiceFieldsStillGrant) {
  // Stripe sends null for billing_reason, subscription and more on some invoices.
  const auto [id, cus] = billed("nullable@example.com");
  auto invoice = pro_invoice(cus);
  invoice["billing_reason"] = nullptr;
  invoice["subscription"] = nullptr;
  invoice["parent"] = nullptr;
  const auto result = deliver(event("evt_nullable", "invoice.payment_succeeded", invoice));
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(status_of(result), "processed");
  EXPECT_EQ(balance(id), 70);
}

TEST_F(PlatformWebhooks, OddlyShapedSignedEventsNeverThrow) {
  const auto [id, cus] = billed("odd@example.com");
  const std::vector<std::pair<std::string, json>> events = {
      {"invoice.payment_succeeded", {{"customer", cus}, {"lines", json::array({1, 2})}}},
      {"invoice.payment_succeeded", {{"customer", cus}, {"lines", {{"data", json::array({"x", nullptr, 3})}}}}},
      {"invoice.payment_succeeded", {{"customer", cus}, {"id", 42}, {"lines", {{"data", "none"}}}}},
      {"customer.subscription.created", {{"customer", cus}, {"id", 7}, {"status", nullptr}}},
      {"customer.subscription.updated", {{"customer", cus}, {"status", 3}, {"cancel_at_period_end", "yes"}}},
      {"payment_method.attached", {{"customer", cus}, {"id", json::array()}}},
      {"invoice.payment_failed", {{"customer", json::array({cus})}}},
  };
  int n = 0;
  for (const auto& [type, object] : events) {
    ApiResult result;
    EXPECT_NO_THROW(result = deliver(event("evt_odd_" + std::to_string(n++), type, object))) << type;
    EXPECT_TRUE(result.status == 200 || result.status == 422) << type << " " << result.body;
  }
  EXPECT_EQ(ledger_sum(id), balance(id));
  EXPECT_EQ(balance(id), 10);
}

TEST_F(PlatformWebhooks, PaymentFailedThenPaidRecovers) {
  const auto id = pro_customer("recover@example.com");
  const auto cus = stripe_customer(id);
  deliver(event("evt_fail", "invoice.payment_failed",
                {{"id", "in_r"}, {"customer", cus}, {"attempt_count", 1}, {"next_payment_attempt", 1760086400}}));
  EXPECT_EQ(me(id)["subscription_state"], "past_due");
  EXPECT_EQ(balance(id), 70) << "a failed payment takes nothing back";
  deliver(event("evt_recover", "invoice.payment_succeeded", pro_invoice(cus)));
  EXPECT_EQ(me(id)["subscription_state"], "active");
  EXPECT_EQ(balance(id), 130);
}

TEST_F(PlatformWebhooks, SubscriptionStatusesMapOntoTheSpecStates) {
  const auto [id, cus] = billed("statuses@example.com");
  const std::vector<std::pair<std::string, std::string>> mapping = {
      {"trialing", "trialing"}, {"active", "active"},     {"past_due", "past_due"},
      {"unpaid", "past_due"},   {"canceled", "canceled"}, {"incomplete_expired", "canceled"}};
  int n = 0;
  for (const auto& [stripe_status, state] : mapping) {
    deliver(
        event("evt_status_" + std::to_string(n++), "customer.subscription.updated", subscription(cus, stripe_status)));
    EXPECT_EQ(me(id)["subscription_state"], state) << stripe_status;
  }
}

TEST_F(PlatformWebhooks, SubscriptionCreatedStoresTheIdAndCancelFlagComesFromUpdates) {
  const auto [id, cus] = billed("subid@example.com");
  deliver(event("evt_created", "customer.subscription.created", subscription(cus, "incomplete")));
  EXPECT_EQ(me(id)["stripe_subscription_id"], "sub_fixture");
  EXPECT_EQ(me(id)["subscription_type"], "pro");
  EXPECT_EQ(me(id)["subscription_state"], "incomplete");
  EXPECT_EQ(api().create_subscription(id, R"({"plan":"pro"})").status, 409);
  deliver(event("evt_sched", "customer.subscription.updated", subscription(cus, "active", true),
                json{{"cancel_at_period_end", false}}));
  EXPECT_EQ(me(id)["cancel_at_period_end"], true);
  deliver(event("evt_unsched", "customer.subscription.updated", subscription(cus, "active", false)));
  EXPECT_EQ(me(id)["cancel_at_period_end"], false);
}

TEST_F(PlatformWebhooks, DeletedSubscriptionDowngradesAndKeepsCredits) {
  const auto id = pro_customer("deleted@example.com");
  deploy(id, 1);
  deliver(event("evt_deleted", "customer.subscription.deleted", subscription(stripe_customer(id), "canceled")));
  const auto customer = me(id);
  EXPECT_EQ(customer["subscription_type"], "pay_as_you_go");
  EXPECT_TRUE(customer["subscription_state"].is_null());
  EXPECT_TRUE(customer["stripe_subscription_id"].is_null());
  EXPECT_EQ(customer["credit_balance"], 69);
  EXPECT_EQ(entitlement(id)["reason"], "credits");
}

TEST_F(PlatformWebhooks, InvoiceBeforeSubscriptionCreatedStillLinksTheSubscription) {
  // Stripe does not order events: invoice.payment_succeeded may come first.
  const auto [id, cus] = billed("unordered@example.com");
  auto invoice = pro_invoice(cus);
  invoice["parent"] = {{"type", "subscription_details"}, {"subscription_details", {{"subscription", "sub_early"}}}};
  deliver(event("evt_early_invoice", "invoice.payment_succeeded", invoice));
  EXPECT_EQ(me(id)["stripe_subscription_id"], "sub_early");
  EXPECT_EQ(me(id)["subscription_state"], "active");
  deliver(event("evt_late_created", "customer.subscription.created",
                {{"id", "sub_early"}, {"customer", cus}, {"status", "active"}}));
  EXPECT_EQ(me(id)["subscription_state"], "active");
  EXPECT_EQ(balance(id), 70);
}

// ---- Stripe does not order deliveries: per subscription, the newest event (event.created) wins ----

// The same event shape, created at `created` (unix seconds).
json created_at(json event, std::int64_t created) {
  event["created"] = created;
  return event;
}

TEST_F(PlatformWebhooks, ALateSubscriptionCreatedDoesNotUndoItsActivation) {
  const auto [id, cus] = billed("latecreated@example.com");
  EXPECT_EQ(status_of(deliver(created_at(
                event("evt_lc_updated", "customer.subscription.updated", subscription(cus, "active")), 1760000010))),
            "processed");
  const auto late = deliver(created_at(
      event("evt_lc_created", "customer.subscription.created", subscription(cus, "incomplete")), 1760000002));
  EXPECT_EQ(status_of(late), "ignored");
  EXPECT_EQ(me(id)["subscription_state"], "active");
  EXPECT_EQ(me(id)["subscription_type"], "pro");
}

TEST_F(PlatformWebhooks, AnOlderUpdateArrivingLastIsIgnoredANewerOneApplies) {
  const auto [id, cus] = billed("olderupdate@example.com");
  deliver(created_at(event("evt_ou_new", "customer.subscription.updated", subscription(cus, "past_due")), 1760000020));
  EXPECT_EQ(status_of(deliver(created_at(
                event("evt_ou_old", "customer.subscription.updated", subscription(cus, "active", true)), 1760000010))),
            "ignored");
  EXPECT_EQ(me(id)["subscription_state"], "past_due");
  EXPECT_EQ(me(id)["cancel_at_period_end"], false);
  EXPECT_EQ(status_of(deliver(created_at(
                event("evt_ou_newer", "customer.subscription.updated", subscription(cus, "active")), 1760000030))),
            "processed");
  EXPECT_EQ(me(id)["subscription_state"], "active");
}

TEST_F(PlatformWebhooks, AFailureOlderThanTheAppliedPaymentLeavesTheStateActive) {
  const auto [id, cus] = billed("olderfailure@example.com");
  auto paid = pro_invoice(cus);
  paid["parent"] = {{"type", "subscription_details"}, {"subscription_details", {{"subscription", "sub_fixture"}}}};
  deliver(created_at(event("evt_of_paid", "invoice.payment_succeeded", paid), 1760259201));
  auto failed = paid;
  failed["attempt_count"] = 1;
  EXPECT_EQ(status_of(deliver(created_at(event("evt_of_failed", "invoice.payment_failed", failed), 1760000003))),
            "ignored");
  EXPECT_EQ(me(id)["subscription_state"], "active");
  EXPECT_EQ(balance(id), 70);
}

TEST_F(PlatformWebhooks, NothingRevivesADeletedSubscriptionButItsLatePaymentStillCredits) {
  const auto [id, cus] = billed("afterdelete@example.com");
  deliver(created_at(event("evt_ad_created", "customer.subscription.created", subscription(cus, "active")), 1760000000));
  EXPECT_EQ(status_of(deliver(created_at(
                event("evt_ad_deleted", "customer.subscription.deleted", subscription(cus, "canceled")), 1760000005))),
            "processed");
  // An update Stripe sent later than the deletion, and one from before it, both arrive afterwards.
  for (const auto& [event_id, created] : {std::pair{"evt_ad_later", 1760000009}, std::pair{"evt_ad_before", 1760000001}}) {
    EXPECT_EQ(status_of(deliver(created_at(
                  event(event_id, "customer.subscription.updated", subscription(cus, "active")), created))),
              "ignored")
        << event_id;
  }
  auto invoice = pro_invoice(cus);
  invoice["parent"] = {{"type", "subscription_details"}, {"subscription_details", {{"subscription", "sub_fixture"}}}};
  EXPECT_EQ(status_of(deliver(created_at(event("evt_ad_invoice", "invoice.payment_succeeded", invoice), 1760000003))),
            "processed");
  const auto customer = me(id);
  EXPECT_EQ(customer["subscription_type"], "pay_as_you_go");
  EXPECT_TRUE(customer["subscription_state"].is_null());
  EXPECT_EQ(customer["credit_balance"], 70) << "the payment was collected, so its credits are granted";
  // A new subscription for the same customer is a new timeline.
  auto renewed = subscription(cus, "active");
  renewed["id"] = "sub_second";
  EXPECT_EQ(status_of(deliver(created_at(event("evt_ad_second", "customer.subscription.created", renewed), 1760000001))),
            "processed");
  EXPECT_EQ(me(id)["subscription_type"], "pro");
  EXPECT_EQ(me(id)["stripe_subscription_id"], "sub_second");
}

TEST_F(PlatformWebhooks, FirstAttachGrantsFiveAndLaterAttachesDoNot) {
  const auto id = onboard("attach@example.com");
  {
    Connection db(db_path());
    Statement set(db, "UPDATE customers SET stripe_customer_id = 'cus_attachfirst' WHERE id = ?1");
    set.bind(1, id.value).run();
  }
  const json pm = {{"id", "pm_first"}, {"object", "payment_method"}, {"customer", "cus_attachfirst"}};
  ASSERT_EQ(status_of(deliver(event("evt_attach_1", "payment_method.attached", pm))), "processed");
  EXPECT_EQ(me(id)["has_billing"], true);
  EXPECT_EQ(balance(id), 10);
  ASSERT_EQ(status_of(deliver(event("evt_attach_2", "payment_method.attached", pm))), "processed");
  EXPECT_EQ(balance(id), 10);
  add_billing(id, "pm_card_visa");
  EXPECT_EQ(balance(id), 10) << "the API and the webhook share the once-only grant";
}

TEST_F(PlatformWebhooks, DetachedWithStripesRealShapeTurnsBillingOff) {
  // After a detach Stripe sends the payment method with customer null; the owner is in
  // previous_attributes.
  const auto [id, cus] = billed("detach@example.com");
  spend_all_credits(id);
  const json pm = {{"id", "pm_card_visa"}, {"object", "payment_method"}, {"customer", nullptr}};
  const auto result = deliver(event("evt_detach", "payment_method.detached", pm, json{{"customer", cus}}));
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(status_of(result), "processed");
  EXPECT_EQ(me(id)["has_billing"], false);
  EXPECT_EQ(entitlement(id)["reason"], "no_billing_info");
  EXPECT_EQ(error_of(deploy(id, 1)), "no_billing_info");
}

TEST_F(PlatformWebhooks, UnknownCustomerIsNotRecordedAndItsRetrySucceedsLater) {
  const auto id = onboard("notyet@example.com");
  const auto attached = event("evt_notyet", "payment_method.attached",
                              {{"id", "pm_x"}, {"object", "payment_method"}, {"customer", "cus_notyet"}});
  const auto early = deliver(attached);
  EXPECT_EQ(early.status, 422);
  EXPECT_EQ(error_of(early), "unknown_customer");
  EXPECT_EQ(webhook_rows(), 0);
  EXPECT_EQ(platform().counters().webhooks.at({"payment_method.attached", "unknown_customer"}), 1);
  {
    Connection db(db_path());
    Statement set(db, "UPDATE customers SET stripe_customer_id = 'cus_notyet' WHERE id = ?1");
    set.bind(1, id.value).run();
  }
  EXPECT_EQ(status_of(deliver(attached)), "processed");
  EXPECT_EQ(balance(id), 10);
  EXPECT_EQ(webhook_rows(), 1);
}

TEST_F(PlatformWebhooks, HandledEventWithoutAnyCustomerIs422) {
  const auto result = deliver(event("evt_nocus", "invoice.payment_failed", {{"id", "in_nocus"}}));
  EXPECT_EQ(result.status, 422);
  EXPECT_EQ(webhook_rows(), 0);
}

TEST_F(PlatformWebhooks, UnhandledTypesAreIgnoredRecordedAndNeedNoKnownCustomer) {
  const auto [id, cus] = billed("unhandled@example.com");
  for (const std::string type :
       {"invoice.paid", "invoice.created", "invoice.finalized", "customer.created", "checkout.session.completed",
        "charge.succeeded", "customer.subscription.trial_will_end"}) {
    const auto result = deliver(event("evt_" + type, type, {{"id", "obj_1"}, {"customer", "cus_nobody"}}));
    EXPECT_EQ(result.status, 200) << type;
    EXPECT_EQ(status_of(result), "ignored") << type;
  }
  EXPECT_EQ(webhook_rows(), 7);
  EXPECT_EQ(balance(id), 10) << "invoice.paid must not grant a second time";
}

TEST_F(PlatformWebhooks, SignatureIsCheckedOverTheRawBytes) {
  const auto [id, cus] = billed("rawbytes@example.com");
  const auto payload = event("evt_raw", "invoice.payment_succeeded", pro_invoice(cus)).dump();
  const auto header = stripe::sign(webhook_secret(), clock_.unix_seconds(), payload);
  // The same JSON with other whitespace is other bytes: refused.
  const auto reformatted = json::parse(payload).dump(1);
  EXPECT_EQ(api().stripe_webhook(reformatted, header).status, 401);
  EXPECT_EQ(error_of(api().stripe_webhook(reformatted, header)), "invalid_signature");
  EXPECT_EQ(api().stripe_webhook(payload, "t=" + std::to_string(clock_.unix_seconds()) + ",v1=zz").status, 401);
  EXPECT_EQ(webhook_rows(), 0);
  EXPECT_EQ(balance(id), 10);
  EXPECT_EQ(platform().counters().webhooks.at({"unknown", "invalid_signature"}), 3);
  EXPECT_EQ(status_of(api().stripe_webhook(payload, header)), "processed");
}

TEST_F(PlatformWebhooks, ToleranceIsThreeHundredSecondsBothWays) {
  const auto [id, cus] = billed("tolerance@example.com");
  const auto now = clock_.unix_seconds();
  EXPECT_EQ(deliver(event("evt_old", "invoice.payment_failed", {{"customer", cus}}), now - 301).status, 401);
  EXPECT_EQ(deliver(event("evt_future", "invoice.payment_failed", {{"customer", cus}}), now + 301).status, 401);
  EXPECT_TRUE(me(id)["subscription_state"].is_null());
  EXPECT_EQ(deliver(event("evt_edge_old", "customer.created", {{"id", cus}}), now - 300).status, 200);
  EXPECT_EQ(deliver(event("evt_edge_new", "customer.created", {{"id", cus}}), now + 300).status, 200);
}

TEST_F(PlatformWebhooks, VerifiedButMalformedEventsAre400AndNotRecorded) {
  const auto send = [&](const std::string& payload) {
    return api().stripe_webhook(payload, stripe::sign(webhook_secret(), clock_.unix_seconds(), payload));
  };
  EXPECT_EQ(error_of(send("{not json")), "invalid_json");
  EXPECT_EQ(send(R"({"id":"evt_a","type":"invoice.paid"})").status, 400);
  EXPECT_EQ(send(R"({"id":"evt_b","type":"invoice.paid","data":{"object":"in_1"}})").status, 400);
  EXPECT_EQ(send(R"({"id":5,"type":"invoice.paid","data":{"object":{}}})").status, 400);
  EXPECT_EQ(webhook_rows(), 0);
}

class PlatformRotatedSecrets : public PlatformWebhooks {
 protected:
  void configure(PlatformConfig& config) override {
    config.webhook_secrets = {Secret("whsec_old"), Secret("whsec_new")};
  }
};

TEST_F(PlatformRotatedSecrets, EitherActiveSecretVerifies) {
  const auto payload_for = [](const std::string& id) { return event(id, "charge.succeeded", {{"id", "ch_1"}}).dump(); };
  const auto t = clock_.unix_seconds();
  const auto old_only = payload_for("evt_old_secret");
  EXPECT_EQ(api().stripe_webhook(old_only, stripe::sign(Secret("whsec_old"), t, old_only)).status, 200);
  const auto new_only = payload_for("evt_new_secret");
  EXPECT_EQ(api().stripe_webhook(new_only, stripe::sign(Secret("whsec_new"), t, new_only)).status, 200);
  const auto both = payload_for("evt_both");
  const std::vector<Secret> secrets = {Secret("whsec_elsewhere"), Secret("whsec_new")};
  EXPECT_EQ(api().stripe_webhook(both, stripe::sign(secrets, t, both)).status, 200);
  const auto neither = payload_for("evt_neither");
  EXPECT_EQ(api().stripe_webhook(neither, stripe::sign(webhook_secret(), t, neither)).status, 401);
}

class PlatformCustomPrice : public PlatformWebhooks {
 protected:
  void configure(PlatformConfig& config) override { config.pro_price_id = "price_custom_pro"; }
};

TEST_F(PlatformCustomPrice, TheConfiguredProPriceIdDecides) {
  const auto [id, cus] = billed("customprice@example.com");
  EXPECT_EQ(status_of(deliver(event("evt_default_price", "invoice.payment_succeeded", pro_invoice(cus)))), "ignored");
  EXPECT_EQ(
      status_of(deliver(event("evt_custom_price", "invoice.payment_succeeded", pro_invoice(cus, "price_custom_pro")))),
      "processed");
  EXPECT_EQ(balance(id), 70);
  EXPECT_EQ(json::parse(api().create_subscription(id, R"({"plan":"pro"})").body)["subscription"]["price_id"],
            "price_custom_pro");
}

}  // namespace
}  // namespace rsolv::sandbox
