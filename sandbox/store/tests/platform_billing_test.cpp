// The billing rules of docs/platform-contract.md on a real SQLite file: entitlement reasons, the
// three steps of a fix deployment, prices, charges with Stripe's test tokens, and the subscription
// endpoints.
#include <fstream>
#include <regex>
#include <set>

#include "platform_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;

class PlatformBilling : public PlatformFixture {};

TEST_F(PlatformBilling, EntitlementReasonFollowsCreditsBillingPlanAndPaymentState) {
  const auto trial = onboard("reason-trial@example.com");
  auto rights = entitlement(trial);
  EXPECT_EQ(rights["entitled"], true);
  EXPECT_EQ(rights["reason"], "credits");
  EXPECT_EQ(rights["credit_balance"], 5);
  EXPECT_EQ(rights["subscription_type"], "trial");

  spend_all_credits(trial);
  rights = entitlement(trial);
  EXPECT_EQ(rights["entitled"], false);
  EXPECT_EQ(rights["reason"], "no_billing_info");

  const auto payg = onboard("reason-payg@example.com");
  add_billing(payg);
  spend_all_credits(payg);
  rights = entitlement(payg);
  EXPECT_EQ(rights["entitled"], true);
  EXPECT_EQ(rights["reason"], "payg");
  EXPECT_EQ(rights["charge_per_fix_cents"], 2900);

  const auto pro = pro_customer("reason-pro@example.com");
  spend_all_credits(pro);
  rights = entitlement(pro);
  EXPECT_EQ(rights["entitled"], true);
  EXPECT_EQ(rights["reason"], "pro_overage");
  EXPECT_EQ(rights["charge_per_fix_cents"], 1500);
  EXPECT_EQ(rights["subscription_type"], "pro");

  deliver(event("evt_reason_failed", "invoice.payment_failed", {{"id", "in_x"}, {"customer", stripe_customer(pro)}}));
  rights = entitlement(pro);
  EXPECT_EQ(rights["entitled"], false);
  EXPECT_EQ(rights["reason"], "payment_past_due");
}

TEST_F(PlatformBilling, PastDueCustomerStillSpendsCreditsItHas) {
  const auto pro = pro_customer("pastdue-credits@example.com");
  deliver(event("evt_pd_failed", "invoice.payment_failed", {{"id", "in_x"}, {"customer", stripe_customer(pro)}}));
  EXPECT_EQ(entitlement(pro)["reason"], "credits");
  const auto result = deploy(pro, 1);
  EXPECT_EQ(result.status, 201);
  EXPECT_EQ(json::parse(result.body)["outcome"], "credit_consumed");
  EXPECT_EQ(balance(pro), 69);
}

TEST_F(PlatformBilling, ProOverageChargesFifteenHundredAndWritesPurchasedThenConsumed) {
  const auto pro = pro_customer("overage@example.com");
  const int pr = spend_all_credits(pro);
  const auto rows_before = ledger_rows(pro);
  const auto result = deploy(pro, pr);
  ASSERT_EQ(result.status, 201) << result.body;
  const auto body = json::parse(result.body);
  EXPECT_EQ(body["outcome"], "charged");
  EXPECT_EQ(body["amount_cents"], 1500);
  EXPECT_EQ(body["credit_balance"], 0);
  EXPECT_EQ(ledger_rows(pro), rows_before + 2);

  const auto ledger = json::parse(api().transactions(pro).body)["transactions"];
  EXPECT_EQ(ledger[0]["source"], "fix_deployed");
  EXPECT_EQ(ledger[0]["amount"], -1);
  EXPECT_EQ(ledger[0]["balance_after"], 0);
  EXPECT_EQ(ledger[1]["source"], "purchased");
  EXPECT_EQ(ledger[1]["amount"], 1);
  EXPECT_EQ(ledger[1]["balance_after"], 1);
  EXPECT_EQ(ledger[1]["metadata"]["charge_id"], body["charge_id"]);
  EXPECT_EQ(ledger[1]["metadata"]["amount_cents"], 1500);
  EXPECT_EQ(scalar("SELECT amount_cents FROM charges WHERE customer_id = ?1", pro.value), 1500);
}

TEST_F(PlatformBilling, PaygChargeIdsAreStripeShapedAndUnique) {
  const auto payg = onboard("chargeids@example.com");
  add_billing(payg);
  int pr = spend_all_credits(payg);
  const std::regex shape("ch_[0-9A-Za-z]{24}");
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    const auto body = json::parse(deploy(payg, pr++).body);
    ASSERT_EQ(body["outcome"], "charged");
    EXPECT_EQ(body["amount_cents"], 2900);
    const auto id = body["charge_id"].get<std::string>();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM charges WHERE customer_id = ?1", payg.value), 5);
  EXPECT_EQ(ledger_sum(payg), 0);
}

TEST_F(PlatformBilling, RefusedDeploymentChangesNothingNotEvenTheFixAttempt) {
  const auto id = onboard("refused@example.com");
  const int pr = spend_all_credits(id);
  const auto rows = ledger_rows(id);
  const auto refused = deploy(id, pr);
  EXPECT_EQ(refused.status, 402);
  EXPECT_EQ(error_of(refused), "no_billing_info");
  EXPECT_FALSE(json::parse(refused.body)["message"].get<std::string>().empty());
  EXPECT_EQ(ledger_rows(id), rows);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM fix_attempts WHERE customer_id = ?1 AND pr_number = ?2", id.value), 0);
  // The PR is still unknown, so recording it now works.
  EXPECT_EQ(api().create_fix_attempt(id, pr_body(pr).dump()).status, 201);
}

TEST_F(PlatformBilling, PastDueWithoutCreditsIs402PaymentPastDue) {
  const auto pro = pro_customer("pastdue@example.com");
  const int pr = spend_all_credits(pro);
  deliver(event("evt_pastdue_failed", "invoice.payment_failed", {{"id", "in_x"}, {"customer", stripe_customer(pro)}}));
  const auto rows = ledger_rows(pro);
  const auto refused = deploy(pro, pr);
  EXPECT_EQ(refused.status, 402);
  EXPECT_EQ(error_of(refused), "payment_past_due");
  EXPECT_EQ(ledger_rows(pro), rows);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM charges"), 0);
}

TEST_F(PlatformBilling, DeclinedCardLeavesNoChargeAndANewCardThenPays) {
  const auto id = onboard("decline-then-pay@example.com");
  add_billing(id, "pm_card_chargeDeclined");
  const int pr = spend_all_credits(id);
  const auto declined = deploy(id, pr);
  EXPECT_EQ(declined.status, 402);
  EXPECT_EQ(error_of(declined), "card_declined");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM charges"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM fix_attempts WHERE pr_number = ?1", pr), 0);
  // The customer's stored payment method decides: after switching cards the same PR is charged.
  add_billing(id, "pm_card_mastercard");
  EXPECT_EQ(balance(id), 0) << "billing_added is granted only once";
  const auto paid = deploy(id, pr);
  EXPECT_EQ(paid.status, 201);
  EXPECT_EQ(json::parse(paid.body)["outcome"], "charged");
  EXPECT_EQ(platform().counters().charges.at("declined"), 1);
  EXPECT_EQ(platform().counters().charges.at("succeeded"), 1);
}

TEST_F(PlatformBilling, AlreadyBilledAnswersWithTheCurrentBalanceAndNoCharge) {
  const auto id = onboard("already@example.com");
  add_billing(id);
  const int pr = spend_all_credits(id);
  const auto first = json::parse(deploy(id, pr).body);
  ASSERT_EQ(first["outcome"], "charged");
  const auto again = deploy(id, pr);
  EXPECT_EQ(again.status, 200);
  const auto body = json::parse(again.body);
  EXPECT_EQ(body["outcome"], "already_billed");
  EXPECT_EQ(body["amount_cents"], 0);
  EXPECT_EQ(body["fix_attempt_id"], first["fix_attempt_id"]);
  EXPECT_FALSE(body.contains("charge_id"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM charges"), 1);
}

TEST_F(PlatformBilling, DedupeIsPerOrgRepoAndPr) {
  const auto id = onboard("dedupe-keys@example.com");
  EXPECT_EQ(api().fix_deployment(id, pr_body(1, "acme", "web").dump(), std::nullopt).status, 201);
  EXPECT_EQ(api().fix_deployment(id, pr_body(1, "acme", "api").dump(), std::nullopt).status, 201);
  EXPECT_EQ(api().fix_deployment(id, pr_body(1, "other", "web").dump(), std::nullopt).status, 201);
  EXPECT_EQ(api().fix_deployment(id, pr_body(2, "acme", "web").dump(), std::nullopt).status, 201);
  EXPECT_EQ(api().fix_deployment(id, pr_body(1, "acme", "web").dump(), std::nullopt).status, 200);
  EXPECT_EQ(balance(id), 1);
}

TEST_F(PlatformBilling, SamePrOfTwoCustomersIsBilledToEach) {
  const auto a = onboard("two-a@example.com");
  const auto b = onboard("two-b@example.com");
  EXPECT_EQ(deploy(a, 9).status, 201);
  EXPECT_EQ(deploy(b, 9).status, 201);
  EXPECT_EQ(balance(a), 4);
  EXPECT_EQ(balance(b), 4);
}

TEST_F(PlatformBilling, RecordedFixAttemptIsBilledWhenMerged) {
  const auto id = onboard("attempt@example.com");
  auto body = pr_body(12);
  body["issue_number"] = 3;
  body["pr_url"] = "https://github.com/acme/web/pull/12";
  const auto created = api().create_fix_attempt(id, body.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto attempt = json::parse(created.body);
  EXPECT_EQ(attempt["status"], "pending");
  EXPECT_EQ(attempt["billing_status"], "not_billed");
  EXPECT_EQ(balance(id), 5) << "recording a PR costs nothing";

  const auto duplicate = api().create_fix_attempt(id, body.dump());
  EXPECT_EQ(duplicate.status, 409);

  const auto merged = json::parse(deploy(id, 12).body);
  EXPECT_EQ(merged["outcome"], "credit_consumed");
  EXPECT_EQ(merged["fix_attempt_id"], attempt["id"]);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM fix_attempts WHERE status = 'merged' AND billing_status = 'billed'"), 1);
}

TEST_F(PlatformBilling, InvalidFieldsAre422NamingTheField) {
  const auto id = onboard("fields@example.com");
  const auto message_names = [&](const json& body, const std::string& field, bool deployment) {
    const auto result = deployment ? api().fix_deployment(id, body.dump(), std::nullopt)
                                   : api().create_fix_attempt(id, body.dump());
    EXPECT_EQ(result.status, 422) << body.dump();
    const auto answer = json::parse(result.body);
    EXPECT_NE(answer["message"].get<std::string>().find(field), std::string::npos) << result.body;
  };
  auto body = pr_body(1);
  body.erase("github_org");
  message_names(body, "github_org", false);
  body = pr_body(1);
  body["repo_name"] = "has space";
  message_names(body, "repo_name", false);
  body = pr_body(0);
  message_names(body, "pr_number", false);
  body = pr_body(1);
  body["pr_number"] = "7";
  message_names(body, "pr_number", true);
  // Beyond the platform's integer column: 2^63 used to wrap to a negative int64 and be billed.
  for (const auto& number : {json(std::uint64_t{1} << 63), json(2147483648), json(1.5)}) {
    body = pr_body(1);
    body["pr_number"] = number;
    message_names(body, "pr_number", true);
    body = pr_body(1);
    body["issue_number"] = number;
    message_names(body, "issue_number", false);
  }
  body = pr_body(1);
  body["issue_number"] = -1;
  message_names(body, "issue_number", false);
  body = pr_body(1);
  body["pr_url"] = "http://github.com/acme/web/pull/1";
  message_names(body, "pr_url", false);
  body = pr_body(1);
  body.erase("commit_sha");
  message_names(body, "commit_sha", true);
  body = pr_body(1);
  body["commit_sha"] = "not-hex!";
  message_names(body, "commit_sha", true);
  EXPECT_EQ(balance(id), 5);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM fix_attempts"), 0);
}

TEST_F(PlatformBilling, MalformedJsonIs400OnEveryBodyTakingEndpoint) {
  const auto id = onboard("badjson@example.com");
  for (const std::string body : {"{", "[1,2]", "\"text\"", ""}) {
    EXPECT_EQ(error_of(api().onboard(body)), "invalid_json") << body;
    EXPECT_EQ(api().exchange_credentials(id, body).status, 400) << body;
    EXPECT_EQ(api().add_payment_method(id, body).status, 400) << body;
    EXPECT_EQ(api().create_subscription(id, body).status, 400) << body;
    EXPECT_EQ(api().create_fix_attempt(id, body).status, 400) << body;
    EXPECT_EQ(api().fix_deployment(id, body, "k").status, 400) << body;
  }
  EXPECT_EQ(balance(id), 5);
}

TEST_F(PlatformBilling, SubscriptionNeedsBillingAndIsUniqueThenCancelsBothWays) {
  const auto id = onboard("subscribe@example.com");
  const auto without_billing = api().create_subscription(id, R"({"plan":"pro"})");
  EXPECT_EQ(without_billing.status, 422);
  EXPECT_EQ(error_of(without_billing), "no_billing_info");
  add_billing(id);
  EXPECT_EQ(api().create_subscription(id, R"({"plan":"gold"})").status, 422);
  EXPECT_EQ(api().cancel_subscription(id, true).status, 404) << "nothing to cancel yet";

  const auto created = api().create_subscription(id, R"({"plan":"pro"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto subscription = json::parse(created.body)["subscription"];
  EXPECT_TRUE(subscription["id"].get<std::string>().starts_with("sub_"));
  EXPECT_EQ(subscription["status"], "incomplete");
  EXPECT_EQ(subscription["price_id"], "price_pro_monthly");
  EXPECT_EQ(subscription["amount_cents"], 59900);
  EXPECT_EQ(me(id)["subscription_type"], "pro");
  EXPECT_EQ(me(id)["subscription_state"], "incomplete");
  EXPECT_EQ(api().create_subscription(id, R"({"plan":"pro"})").status, 409);

  ASSERT_EQ(api().cancel_subscription(id, true).status, 200);
  EXPECT_EQ(me(id)["cancel_at_period_end"], true);
  EXPECT_EQ(me(id)["subscription_type"], "pro");

  ASSERT_EQ(api().cancel_subscription(id, false).status, 200);
  EXPECT_EQ(me(id)["subscription_type"], "pay_as_you_go");
  EXPECT_EQ(balance(id), 10) << "credits are kept";
  // Cancelled: a new subscription may start.
  EXPECT_EQ(api().create_subscription(id, R"({"plan":"pro"})").status, 201);
}

TEST_F(PlatformBilling, CredentialExchangeFollowsEntitlement) {
  const auto id = onboard("exchange@example.com");
  const auto granted = api().exchange_credentials(id, R"({"providers":["anthropic","openai"],"ttl_minutes":30})");
  ASSERT_EQ(granted.status, 200) << granted.body;
  const auto body = json::parse(granted.body);
  EXPECT_EQ(body["usage"]["remaining_fixes"], 5);
  EXPECT_TRUE(body["credentials"].contains("anthropic"));
  EXPECT_TRUE(body["credentials"].contains("openai"));
  EXPECT_EQ(body["expires_at"], clock_.unix_seconds() + 30 * 60);

  EXPECT_EQ(api().exchange_credentials(id, R"({"providers":[]})").status, 400);
  EXPECT_EQ(api().exchange_credentials(id, R"({"providers":[7]})").status, 400);
  EXPECT_EQ(api().exchange_credentials(id, R"({"providers":["a"],"ttl_minutes":0})").status, 400);
  EXPECT_EQ(api().exchange_credentials(id, R"({"providers":["a"],"ttl_minutes":"5"})").status, 400);

  spend_all_credits(id);
  const auto refused = api().exchange_credentials(id, R"({"providers":["anthropic"]})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(error_of(refused), "usage_limit_exceeded");
  EXPECT_EQ(balance(id), 0) << "vending credentials spends nothing";
}

TEST_F(PlatformBilling, RawCardFieldsAreRefusedAndNeverReachTheFile) {
  const auto id = onboard("pci@example.com");
  const std::string pan = "4242424242424242";
  for (const auto& body : {json{{"card_number", pan}, {"billing_consent", true}},
                           json{{"payment_method", "pm_card_visa"}, {"card", {{"number", pan}, {"cvc", "123"}}}},
                           json{{"payment_method", "pm_card_visa"}, {"billing_consent", true}, {"cvc", "123"}}}) {
    const auto result = api().add_payment_method(id, body.dump());
    EXPECT_EQ(result.status, 422) << body.dump();
    EXPECT_EQ(error_of(result), "raw_card_data_refused");
    EXPECT_EQ(result.body.find(pan), std::string::npos);
    EXPECT_EQ(result.body.find("123"), std::string::npos);
  }
  EXPECT_EQ(me(id)["has_billing"], false);
  platform_.reset();  // flush everything to the file before reading its bytes
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::ifstream file(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(pan), std::string::npos) << entry.path();
  }
}

TEST_F(PlatformBilling, PaymentMethodNeedsATokenAndConsent) {
  const auto id = onboard("pm-fields@example.com");
  const auto no_consent = api().add_payment_method(id, R"({"payment_method":"pm_card_visa"})");
  EXPECT_EQ(no_consent.status, 422);
  EXPECT_NE(no_consent.body.find("billing_consent"), std::string::npos);
  const auto not_a_token = api().add_payment_method(id, R"({"payment_method":"card_123","billing_consent":true})");
  EXPECT_EQ(not_a_token.status, 422);
  EXPECT_NE(not_a_token.body.find("payment_method"), std::string::npos);
  EXPECT_EQ(me(id)["has_billing"], false);
  EXPECT_TRUE(me(id)["stripe_customer_id"].is_null());

  const auto added = api().add_payment_method(id, R"({"payment_method":"pm_card_visa","billing_consent":true})");
  ASSERT_EQ(added.status, 201);
  EXPECT_EQ(json::parse(added.body)["credits_granted"], 5);
  EXPECT_TRUE(stripe_customer(id).starts_with("cus_"));
  const auto cus = stripe_customer(id);
  add_billing(id, "pm_card_amex");
  EXPECT_EQ(stripe_customer(id), cus) << "the Stripe customer id is assigned once";
}

}  // namespace
}  // namespace rsolv::sandbox
