// The platform layer on a real SQLite file: billing rules, ledger integrity, idempotency and
// webhook effects, without HTTP. The HTTP contract is covered by the server tests.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "rsolv/sandbox/database.hpp"
#include "rsolv/sandbox/platform.hpp"
#include "rsolv/sandbox/server/platform_api.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::sandbox {
namespace {

using nlohmann::json;
using server::ApiResult;

const Secret kSecret("whsec_platform_test_secret");

class PlatformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("rsolv_platform_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    PlatformConfig config;
    config.db_path = path_.string();
    config.webhook_secrets = {kSecret};
    config.connections = 8;
    platform_ = std::make_unique<Platform>(config, clock_);
    api_ = std::make_unique<server::PlatformApi>(*platform_);
  }
  void TearDown() override {
    platform_.reset();
    for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  // Onboards a customer and returns its id and key.
  std::pair<CustomerId, std::string> onboard(const std::string& email) {
    const auto result = api_->onboard(json{{"name", "Dev"}, {"email", email}}.dump());
    EXPECT_EQ(result.status, 201) << result.body;
    const auto body = json::parse(result.body);
    return {CustomerId{body["customer"]["id"].get<std::int64_t>()}, body["api_key"].get<std::string>()};
  }
  json me(CustomerId id) { return json::parse(api_->me(id).body); }
  ApiResult deploy(CustomerId id, int pr, std::optional<std::string_view> key = std::nullopt) {
    return api_->fix_deployment(
        id, json{{"github_org", "acme"}, {"repo_name", "web"}, {"pr_number", pr}, {"commit_sha", "abcdef1"}}.dump(), key);
  }
  void add_billing(CustomerId id, const std::string& pm = "pm_card_visa") {
    ASSERT_EQ(api_->add_payment_method(id, json{{"payment_method", pm}, {"billing_consent", true}}.dump()).status, 201);
  }
  ApiResult deliver(const json& event, std::int64_t t = 0) {
    const auto payload = event.dump();
    return api_->stripe_webhook(payload, stripe::sign(kSecret, t ? t : clock_.unix_seconds(), payload));
  }
  // Sum of the ledger straight from the file, as an auditor would compute it.
  std::int64_t ledger_sum(CustomerId id) {
    Connection db(path_.string());
    Statement sum(db, "SELECT COALESCE(SUM(amount), 0) FROM credit_ledger WHERE customer_id = ?1");
    sum.bind(1, id.value);
    sum.step();
    return sum.int64(0);
  }

  ManualClock clock_{1760000000};
  std::filesystem::path path_;
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<server::PlatformApi> api_;  // the endpoints as the server answers them
};

json invoice_paid(const std::string& event_id, const std::string& customer, const std::string& price) {
  return {{"id", event_id},
          {"object", "event"},
          {"type", "invoice.payment_succeeded"},
          {"data",
           {{"object",
             {{"id", "in_test"},
              {"object", "invoice"},
              {"customer", customer},
              {"billing_reason", "subscription_cycle"},
              {"lines", {{"data", json::array({{{"pricing", {{"price_details", {{"price", price}}}}}}})}}}}}}}};
}

TEST_F(PlatformTest, OnboardingGivesFiveCreditsAndAKeyThatAuthenticates) {
  const auto [id, key] = onboard("a@example.com");
  EXPECT_TRUE(key.starts_with("rsolv_"));
  EXPECT_EQ(key.size(), 6u + 43u);
  EXPECT_EQ(me(id)["credit_balance"], 5);
  ASSERT_TRUE(platform_->authenticate(key));
  EXPECT_EQ(platform_->authenticate(key)->value, id.value);
  EXPECT_FALSE(platform_->authenticate(key + "x"));
}

TEST_F(PlatformTest, OnlyTheKeysHashIsStored) {
  const auto [id, key] = onboard("hash@example.com");
  platform_.reset();
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT api_key_sha256 FROM customers", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  const std::string stored = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  EXPECT_EQ(stored.size(), 64u);
  EXPECT_EQ(stored.find(key.substr(6)), std::string::npos);
}

TEST_F(PlatformTest, DuplicateEmailIs409AndBadFieldsAre422) {
  onboard("dup@example.com");
  EXPECT_EQ(api_->onboard(R"({"name":"X","email":"dup@example.com"})").status, 409);
  EXPECT_EQ(api_->onboard(R"({"name":"","email":"x@example.com"})").status, 422);
  EXPECT_EQ(api_->onboard(R"({"name":"X","email":"not-an-email"})").status, 422);
  EXPECT_EQ(api_->onboard(R"({"name":"X",)").status, 400);
}

TEST_F(PlatformTest, CardNumbersInFreeTextAreRefusedNotEchoed) {
  for (const auto* name : {"4242424242424242", "Card 4000-0566-5566-5556 holder", "5555 5555 5555 4444"}) {
    const auto result = api_->onboard(json{{"name", name}, {"email", "card@example.com"}}.dump());
    EXPECT_EQ(result.status, 422) << name;
    EXPECT_EQ(result.body.find("4242424242424242"), std::string::npos);
  }
  // Long digit runs that fail the Luhn check are ordinary text.
  EXPECT_EQ(api_->onboard(R"({"name":"Order 1234567890123456","email":"order@example.com"})").status, 201);
}

TEST_F(PlatformTest, CreditsAreConsumedThenPaygCharges2900) {
  const auto [id, key] = onboard("payg@example.com");
  for (int pr = 1; pr <= 5; ++pr) EXPECT_EQ(json::parse(deploy(id, pr).body)["outcome"], "credit_consumed");
  const auto refused = deploy(id, 6);
  EXPECT_EQ(refused.status, 402);
  EXPECT_EQ(json::parse(refused.body)["error"], "no_billing_info");
  add_billing(id);  // +5 the first time
  for (int pr = 6; pr <= 10; ++pr) EXPECT_EQ(json::parse(deploy(id, pr).body)["outcome"], "credit_consumed");
  const auto charged = deploy(id, 11);
  EXPECT_EQ(charged.status, 201);
  const auto body = json::parse(charged.body);
  EXPECT_EQ(body["outcome"], "charged");
  EXPECT_EQ(body["amount_cents"], 2900);
  EXPECT_TRUE(body["charge_id"].get<std::string>().starts_with("ch_"));
  EXPECT_EQ(body["credit_balance"], 0);
  EXPECT_EQ(ledger_sum(id), 0);
}

TEST_F(PlatformTest, BillingAddedCreditsComeOnlyOnce) {
  const auto [id, key] = onboard("once@example.com");
  add_billing(id);
  add_billing(id, "pm_card_mastercard");
  EXPECT_EQ(me(id)["credit_balance"], 10);
}

TEST_F(PlatformTest, DeclinedCardChangesNothing) {
  const auto [id, key] = onboard("declined@example.com");
  add_billing(id, "pm_card_chargeDeclined");
  for (int pr = 1; pr <= 10; ++pr) deploy(id, pr);
  const auto declined = deploy(id, 11);
  EXPECT_EQ(declined.status, 402);
  EXPECT_EQ(json::parse(declined.body)["error"], "card_declined");
  EXPECT_EQ(ledger_sum(id), 0);
  EXPECT_EQ(platform_->counters().charges.at("declined"), 1);
}

TEST_F(PlatformTest, SamePrIsBilledOnceEvenWithDifferentKeys) {
  const auto [id, key] = onboard("dedupe@example.com");
  EXPECT_EQ(deploy(id, 7, "key-1").status, 201);
  const auto again = deploy(id, 7, "key-2");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body)["outcome"], "already_billed");
  EXPECT_EQ(me(id)["credit_balance"], 4);
}

TEST_F(PlatformTest, IdempotentReplayIsByteForByte) {
  const auto [id, key] = onboard("idem@example.com");
  const auto first = deploy(id, 3, "same-key");
  const auto second = deploy(id, 3, "same-key");
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.status, first.status);
  ASSERT_EQ(second.headers.size(), 1u);
  EXPECT_EQ(second.headers[0].first, "Idempotent-Replayed");
  const auto reuse = deploy(id, 4, "same-key");
  EXPECT_EQ(reuse.status, 422);
  EXPECT_EQ(json::parse(reuse.body)["error"], "idempotency_key_reuse");
}

TEST_F(PlatformTest, IdempotencyKeysExpireAfter24Hours) {
  const auto [id, key] = onboard("expire@example.com");
  deploy(id, 3, "k");
  clock_.advance(std::chrono::hours(25));
  const auto later = deploy(id, 4, "k");  // a new body is fine once the key expired
  EXPECT_EQ(later.status, 201);
}

TEST_F(PlatformTest, ConcurrentDeploymentsNeverOverdraw) {
  const auto [id, key] = onboard("race@example.com");
  std::vector<std::thread> threads;
  std::atomic<int> consumed{0}, refused{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const auto result = deploy(id, 100 + t * 10 + i);
        (result.status == 201 ? consumed : refused)++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(consumed.load(), 5);
  EXPECT_EQ(refused.load(), 35);
  EXPECT_EQ(me(id)["credit_balance"], 0);
  EXPECT_EQ(ledger_sum(id), 0);
}

TEST_F(PlatformTest, LedgerIsAppendOnlyInTheSchema) {
  onboard("append@example.com");
  Connection db(path_.string());
  EXPECT_THROW(db.exec("UPDATE credit_ledger SET amount = 1000"), DatabaseError);
  EXPECT_THROW(db.exec("DELETE FROM credit_ledger"), DatabaseError);
  EXPECT_THROW(db.exec("UPDATE customers SET credit_balance = -1"), DatabaseError);
}

TEST_F(PlatformTest, ProInvoiceGrantsSixtyOnceUnderConcurrentDuplicates) {
  const auto [id, key] = onboard("pro@example.com");
  add_billing(id);
  const auto cus = me(id)["stripe_customer_id"].get<std::string>();
  const auto event = invoice_paid("evt_concurrent", cus, "price_pro_monthly");
  std::vector<std::thread> threads;
  std::atomic<int> processed{0}, duplicate{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      const auto status = json::parse(deliver(event).body)["status"];
      (status == "processed" ? processed : duplicate)++;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(processed.load(), 1);
  EXPECT_EQ(duplicate.load(), 15);
  EXPECT_EQ(me(id)["credit_balance"], 70);
  EXPECT_EQ(me(id)["subscription_state"], "active");
}

TEST_F(PlatformTest, LegacyPlanFieldsGrantNothing) {
  const auto [id, key] = onboard("legacy@example.com");
  add_billing(id);
  const auto cus = me(id)["stripe_customer_id"].get<std::string>();
  json legacy = invoice_paid("evt_legacy", cus, "price_other");
  legacy["data"]["object"]["lines"]["data"][0]["plan"] = {{"id", "price_pro_monthly"}};
  legacy["data"]["object"]["lines"]["data"][0]["price"] = {{"id", "price_pro_monthly"}};
  EXPECT_EQ(json::parse(deliver(legacy).body)["status"], "ignored");
  EXPECT_EQ(me(id)["credit_balance"], 10);
}

TEST_F(PlatformTest, UnknownCustomerIsNotRecordedSoARetrySucceeds) {
  const auto [id, key] = onboard("later@example.com");
  const auto event = invoice_paid("evt_early", "cus_notyetknown000000000000", "price_pro_monthly");
  EXPECT_EQ(deliver(event).status, 422);
  Connection db(path_.string());
  db.exec("UPDATE customers SET stripe_customer_id = 'cus_notyetknown000000000000', has_billing = 1");
  EXPECT_EQ(json::parse(deliver(event).body)["status"], "processed");
  EXPECT_EQ(me(id)["credit_balance"], 65);
}

TEST_F(PlatformTest, BadSignaturesRecordNothing) {
  const auto [id, key] = onboard("sig@example.com");
  add_billing(id);
  const auto payload = invoice_paid("evt_sig", me(id)["stripe_customer_id"], "price_pro_monthly").dump();
  EXPECT_EQ(api_->stripe_webhook(payload, "").status, 401);
  EXPECT_EQ(api_->stripe_webhook(payload, stripe::sign(Secret("whsec_wrong"), clock_.unix_seconds(), payload)).status, 401);
  EXPECT_EQ(api_->stripe_webhook(payload, stripe::sign(kSecret, clock_.unix_seconds() - 301, payload)).status, 401);
  EXPECT_EQ(me(id)["credit_balance"], 10);
  EXPECT_EQ(json::parse(api_->stripe_webhook(payload, stripe::sign(kSecret, clock_.unix_seconds(), payload)).body)["status"],
            "processed");
}

TEST_F(PlatformTest, SubscriptionLifecycleEvents) {
  const auto [id, key] = onboard("life@example.com");
  add_billing(id);
  const auto cus = me(id)["stripe_customer_id"].get<std::string>();
  const auto sub_event = [&](const std::string& event_id, const std::string& type, json object) {
    object["customer"] = cus;
    object["id"] = "sub_life";
    return deliver({{"id", event_id}, {"type", type}, {"data", {{"object", object}}}});
  };
  sub_event("evt_1", "customer.subscription.created", {{"status", "incomplete"}});
  EXPECT_EQ(me(id)["subscription_type"], "pro");
  EXPECT_EQ(me(id)["subscription_state"], "incomplete");
  sub_event("evt_2", "customer.subscription.updated", {{"status", "active"}, {"cancel_at_period_end", true}});
  EXPECT_EQ(me(id)["subscription_state"], "active");
  EXPECT_EQ(me(id)["cancel_at_period_end"], true);
  deliver({{"id", "evt_3"}, {"type", "invoice.payment_failed"}, {"data", {{"object", {{"customer", cus}}}}}});
  EXPECT_EQ(me(id)["subscription_state"], "past_due");
  sub_event("evt_4", "customer.subscription.deleted", {{"status", "canceled"}});
  EXPECT_EQ(me(id)["subscription_type"], "pay_as_you_go");
  EXPECT_TRUE(me(id)["subscription_state"].is_null());
  EXPECT_EQ(me(id)["credit_balance"], 10) << "credits are kept";
}

TEST_F(PlatformTest, OtherEventsAreIgnoredButRecorded) {
  const auto result = deliver({{"id", "evt_other"}, {"type", "charge.refunded"}, {"data", {{"object", {{"id", "ch_1"}}}}}});
  EXPECT_EQ(json::parse(result.body)["status"], "ignored");
  EXPECT_EQ(json::parse(deliver({{"id", "evt_other"}, {"type", "charge.refunded"}, {"data", {{"object", {{"id", "ch_1"}}}}}}).body)["status"],
            "duplicate");
}

TEST_F(PlatformTest, SeedStatesHaveTheirBalancesAndMatchTheirLedgers) {
  const auto seeded = platform_->seed();
  ASSERT_EQ(seeded.size(), 9u);
  const std::map<std::string, std::int64_t> expected = {{"trial_no_billing", 3}, {"trial_with_billing", 7},
                                                        {"trial_expired", 0},    {"payg", 0},
                                                        {"pro_active", 45},      {"pro_past_due", 0},
                                                        {"pro_cancelled", 20},   {"pro_cancel_scheduled", 30},
                                                        {"pro_renewed", 60}};
  for (const auto& customer : seeded) {
    EXPECT_EQ(customer.credit_balance, expected.at(customer.state)) << customer.state;
    EXPECT_EQ(ledger_sum(CustomerId{customer.customer_id}), customer.credit_balance) << customer.state;
    const auto id = platform_->authenticate(customer.api_key);
    ASSERT_TRUE(id) << customer.state;
  }
  const auto past_due = std::find_if(seeded.begin(), seeded.end(), [](auto& c) { return c.state == "pro_past_due"; });
  EXPECT_EQ(json::parse(api_->entitlement(CustomerId{past_due->customer_id}).body)["reason"], "payment_past_due");
}

TEST_F(PlatformTest, ReopeningKeepsDataAndMigratesNothingTwice) {
  const auto [id, key] = onboard("reopen@example.com");
  platform_.reset();
  PlatformConfig config;
  config.db_path = path_.string();
  platform_ = std::make_unique<Platform>(config, clock_);
  api_ = std::make_unique<server::PlatformApi>(*platform_);
  ASSERT_TRUE(platform_->authenticate(key));
  EXPECT_EQ(me(id)["credit_balance"], 5);
  EXPECT_EQ(api_->onboard(R"({"name":"Y","email":"y@example.com"})").status, 201);
  Connection db(path_.string());
  Statement version(db, "PRAGMA user_version");
  version.step();
  EXPECT_EQ(version.int64(0), 2);
}

}  // namespace
}  // namespace rsolv::sandbox
