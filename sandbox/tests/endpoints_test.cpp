// Every endpoint of docs/platform-contract.md through the real rsolv-sandbox process over HTTP:
// happy paths, every billing branch and every error code a client can meet.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <regex>
#include <thread>

#include "support/sandbox_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;
using nlohmann::json;

class Endpoints : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sandbox_ = new Sandbox(); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }
  Sandbox& sb() { return *sandbox_; }

  static json deployment(const std::string& repo, int pr) {
    return {{"github_org", "acme"}, {"repo_name", repo}, {"pr_number", pr}, {"commit_sha", "0123456789abcdef0123"}};
  }
  Reply deploy(const std::string& key, const json& body, const HeaderList& headers = {}) {
    return sb().post("/api/v1/fix-deployments", body.dump(), key, headers);
  }
  std::int64_t balance(const std::string& key) { return sb().me(key).at("credit_balance"); }

  static Sandbox* sandbox_;
};
Sandbox* Endpoints::sandbox_ = nullptr;

TEST_F(Endpoints, HealthAnswersOkAsJson) {
  const auto reply = sb().get("/api/health");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json(), json({{"status", "ok"}}));
  EXPECT_EQ(reply.header("Content-Type"), "application/json");
}

TEST_F(Endpoints, OnboardCreatesATrialCustomerWithFiveCreditsAndAKeyShownOnce) {
  const auto email = unique_id("new-") + "@example.com";
  const auto reply = sb().post("/api/v1/customers/onboard", json{{"name", "Ada"}, {"email", email}}.dump());
  ASSERT_EQ(reply.status, 201) << reply.body;
  const auto body = reply.json();
  const std::string key = body.at("api_key");
  EXPECT_TRUE(std::regex_match(key, std::regex("rsolv_[A-Za-z0-9_-]{43}"))) << key;
  EXPECT_EQ(body.at("customer").at("credit_balance"), 5);
  EXPECT_EQ(body.at("customer").at("subscription_type"), "trial");

  const auto me = sb().me(key);
  EXPECT_EQ(me.at("email"), email);
  EXPECT_EQ(me.at("credit_balance"), 5);
  EXPECT_EQ(me.dump().find(key), std::string::npos) << "the key is shown only once";
  const auto ledger = sb().get("/api/v1/credits/transactions", key).json();
  ASSERT_EQ(ledger.at("transactions").size(), 1u);
  EXPECT_EQ(ledger.at("transactions")[0].at("source"), "trial_signup");
  EXPECT_EQ(ledger.at("transactions")[0].at("amount"), 5);
}

TEST_F(Endpoints, AccountDataIsNeverCacheable) {
  const auto email = unique_id("cache-") + "@example.com";
  const auto onboard = sb().post("/api/v1/customers/onboard", json{{"name", "Ada"}, {"email", email}}.dump());
  ASSERT_EQ(onboard.status, 201) << onboard.body;
  EXPECT_EQ(onboard.header("Cache-Control"), "no-store") << "the reply carries the API key";
  const std::string key = onboard.json().at("api_key");
  for (const auto* path : {"/api/v1/customers/me", "/api/v1/entitlement", "/api/v1/credits/transactions"}) {
    const auto reply = sb().get(path, key);
    EXPECT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.header("Cache-Control"), "no-store") << path;
  }
}

TEST_F(Endpoints, OnboardRefusesInvalidFieldsDuplicateEmailsAndBadJson) {
  EXPECT_EQ(sb().post("/api/v1/customers/onboard", R"({"name":"A","email":"not-an-email"})").status, 422);
  EXPECT_EQ(sb().post("/api/v1/customers/onboard", R"({"email":"x@example.com"})").status, 422);
  const auto bad_json = sb().post("/api/v1/customers/onboard", R"({"name":)");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.json().at("error"), "invalid_json");

  const auto email = unique_id("dup-") + "@example.com";
  const auto body = json{{"name", "A"}, {"email", email}}.dump();
  ASSERT_EQ(sb().post("/api/v1/customers/onboard", body).status, 201);
  const auto again = sb().post("/api/v1/customers/onboard", body);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json().at("error"), "email_taken");
}

TEST_F(Endpoints, EveryAuthenticatedRouteRefusesAMissingOrUnknownKey) {
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/api/v1/customers/me"},          {"GET", "/api/v1/entitlement"},
      {"POST", "/api/v1/credentials/exchange"}, {"POST", "/api/v1/billing/payment-methods"},
      {"POST", "/api/v1/billing/subscription"}, {"DELETE", "/api/v1/billing/subscription"},
      {"POST", "/api/v1/fix-attempts"},         {"POST", "/api/v1/fix-deployments"},
      {"GET", "/api/v1/credits/transactions"},
  };
  const std::string unknown = "rsolv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  for (const auto& [method, path] : routes) {
    for (const std::string& key : {std::string(), unknown}) {
      const auto reply = sb().send(method, path, method == "GET" || method == "DELETE" ? "" : "{}", key, {});
      EXPECT_EQ(reply.status, 401) << method << " " << path;
      EXPECT_EQ(reply.json().at("error"), "invalid_api_key") << method << " " << path;
      EXPECT_EQ(reply.body.find(unknown), std::string::npos);
    }
  }
}

TEST_F(Endpoints, TheKeyHeaderNameIsCaseInsensitive) {
  const auto key = sb().key("pro_active");
  EXPECT_EQ(sb().get("/api/v1/customers/me", {}, {{"X-API-KEY", key}}).status, 200);
  EXPECT_EQ(sb().get("/api/v1/customers/me", {}, {{"X-Api-Key", key}}).status, 200);
}

TEST_F(Endpoints, MeReturnsEveryFieldOfTheContract) {
  const auto me = sb().me(sb().key("pro_cancel_scheduled"));
  for (const char* field : {"id", "name", "email", "credit_balance", "subscription_type", "subscription_state",
                            "cancel_at_period_end", "has_billing", "stripe_customer_id"}) {
    EXPECT_TRUE(me.contains(field)) << field;
  }
  EXPECT_EQ(me.at("credit_balance"), 30);
  EXPECT_EQ(me.at("subscription_type"), "pro");
  EXPECT_EQ(me.at("cancel_at_period_end"), true);
  EXPECT_EQ(me.at("has_billing"), true);
  EXPECT_TRUE(me.at("stripe_customer_id").get<std::string>().starts_with("cus_"));
}

TEST_F(Endpoints, EntitlementGivesTheReasonOfEverySeededState) {
  struct Case {
    const char* state;
    bool entitled;
    const char* reason;
    int balance;
  };
  for (const Case& c : {Case{"trial_no_billing", true, "credits", 3}, Case{"trial_expired", false, "no_billing_info", 0},
                        Case{"payg", true, "payg", 0}, Case{"pro_past_due", false, "payment_past_due", 0},
                        Case{"pro_active", true, "credits", 45}, Case{"pro_cancelled", true, "credits", 20}}) {
    const auto reply = sb().get("/api/v1/entitlement", sb().key(c.state));
    ASSERT_EQ(reply.status, 200) << c.state;
    const auto body = reply.json();
    EXPECT_EQ(body.at("entitled"), c.entitled) << c.state;
    EXPECT_EQ(body.at("reason"), c.reason) << c.state;
    EXPECT_EQ(body.at("credit_balance"), c.balance) << c.state;
    EXPECT_TRUE(body.contains("subscription_type")) << c.state;
  }
  EXPECT_EQ(sb().get("/api/v1/entitlement", sb().key("payg")).json().at("charge_per_fix_cents"), 2900);
}

TEST_F(Endpoints, ProWithoutCreditsIsEntitledToOverageAndIsChargedTheOveragePrice) {
  const auto key = sb().onboard("overage");
  ASSERT_EQ(sb().add_billing(key).status, 201);  // 5 + 5 credits
  ASSERT_EQ(sb().post("/api/v1/billing/subscription", R"({"plan":"pro"})", key).status, 201);
  for (int pr = 1; pr <= 10; ++pr) ASSERT_EQ(deploy(key, deployment("overage", pr)).status, 201);
  const auto entitlement = sb().get("/api/v1/entitlement", key).json();
  EXPECT_EQ(entitlement.at("reason"), "pro_overage");
  EXPECT_EQ(entitlement.at("charge_per_fix_cents"), 1500);
  const auto charged = deploy(key, deployment("overage", 11));
  ASSERT_EQ(charged.status, 201) << charged.body;
  EXPECT_EQ(charged.json().at("outcome"), "charged");
  EXPECT_EQ(charged.json().at("amount_cents"), 1500);
}

TEST_F(Endpoints, CredentialExchangeVendsPlaceholdersToEntitledCustomersOnly) {
  const auto ok = sb().post("/api/v1/credentials/exchange", R"({"providers":["anthropic"],"ttl_minutes":30})",
                            sb().key("pro_active"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json().at("usage").at("remaining_fixes"), 45);
  EXPECT_TRUE(ok.json().at("credentials").contains("anthropic"));

  const auto refused =
      sb().post("/api/v1/credentials/exchange", R"({"providers":["anthropic"]})", sb().key("trial_expired"));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json().at("error"), "usage_limit_exceeded");

  EXPECT_EQ(sb().post("/api/v1/credentials/exchange", R"({"providers":[]})", sb().key("pro_active")).status, 400);
  EXPECT_EQ(sb().post("/api/v1/credentials/exchange", R"({"providers":["a"],"ttl_minutes":-5})", sb().key("pro_active"))
                .status,
            400);
}

TEST_F(Endpoints, AddingBillingGrantsFiveCreditsOnlyTheFirstTime) {
  const auto key = sb().onboard("billing");
  const auto first = sb().add_billing(key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(balance(key), 10);
  const auto me = sb().me(key);
  EXPECT_EQ(me.at("has_billing"), true);
  EXPECT_TRUE(me.at("stripe_customer_id").get<std::string>().starts_with("cus_"));
  ASSERT_EQ(sb().add_billing(key, "pm_card_mastercard").status, 201);
  EXPECT_EQ(balance(key), 10);
  EXPECT_EQ(sb().me(key).at("stripe_customer_id"), me.at("stripe_customer_id"));
}

TEST_F(Endpoints, RawCardDataIsRefusedAndNeverEchoed) {
  const auto key = sb().onboard("card");
  const std::string card = "4242424242424242";
  const auto reply = sb().post("/api/v1/billing/payment-methods",
                               json{{"card_number", card}, {"cvc", "123"}, {"billing_consent", true}}.dump(), key);
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.json().at("error"), "raw_card_data_refused");
  EXPECT_EQ(reply.body.find(card), std::string::npos);
  EXPECT_EQ(sb().me(key).at("has_billing"), false);
  EXPECT_EQ(sb().post("/api/v1/billing/payment-methods", R"({"payment_method":"pm_card_visa"})", key).status, 422)
      << "billing_consent is required";
}

TEST_F(Endpoints, SubscriptionNeedsBillingStartsIncompleteAndIsUniqueWhileLive) {
  const auto no_billing = sb().post("/api/v1/billing/subscription", R"({"plan":"pro"})", sb().key("trial_no_billing"));
  EXPECT_EQ(no_billing.status, 422);

  const auto key = sb().onboard("subscribe");
  ASSERT_EQ(sb().add_billing(key).status, 201);
  EXPECT_EQ(sb().post("/api/v1/billing/subscription", R"({"plan":"gold"})", key).status, 422);
  const auto created = sb().post("/api/v1/billing/subscription", R"({"plan":"pro"})", key);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(created.body.find("\"sub_") != std::string::npos) << created.body;
  const auto me = sb().me(key);
  EXPECT_EQ(me.at("subscription_type"), "pro");
  EXPECT_EQ(me.at("subscription_state"), "incomplete");
  const auto again = sb().post("/api/v1/billing/subscription", R"({"plan":"pro"})", key);
  EXPECT_EQ(again.status, 409);
}

TEST_F(Endpoints, CancelAtPeriodEndKeepsProAndCancelNowDowngradesKeepingCredits) {
  const auto key = sb().onboard("cancel");
  ASSERT_EQ(sb().add_billing(key).status, 201);
  ASSERT_EQ(sb().post("/api/v1/billing/subscription", R"({"plan":"pro"})", key).status, 201);

  EXPECT_EQ(sb().del("/api/v1/billing/subscription?at_period_end=maybe", key).status, 400);
  const auto scheduled = sb().del("/api/v1/billing/subscription?at_period_end=true", key);
  ASSERT_EQ(scheduled.status, 200) << scheduled.body;
  auto me = sb().me(key);
  EXPECT_EQ(me.at("subscription_type"), "pro");
  EXPECT_EQ(me.at("cancel_at_period_end"), true);

  const auto now = sb().del("/api/v1/billing/subscription?at_period_end=false", key);
  ASSERT_EQ(now.status, 200) << now.body;
  me = sb().me(key);
  EXPECT_EQ(me.at("subscription_type"), "pay_as_you_go");
  EXPECT_EQ(me.at("credit_balance"), 10);
}

TEST_F(Endpoints, FixAttemptsAreRecordedOncePerPullRequest) {
  const auto key = sb().key("pro_active");
  const auto body = json{{"github_org", "acme"}, {"repo_name", "attempts"}, {"pr_number", 7}, {"issue_number", 3}};
  const auto created = sb().post("/api/v1/fix-attempts", body.dump(), key);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("status"), "pending");
  EXPECT_EQ(created.json().at("billing_status"), "not_billed");
  EXPECT_TRUE(created.json().at("id").is_number_integer());
  EXPECT_EQ(sb().post("/api/v1/fix-attempts", body.dump(), key).status, 409);
  EXPECT_EQ(sb().post("/api/v1/fix-attempts", R"({"github_org":"acme","repo_name":"x"})", key).status, 422);
}

TEST_F(Endpoints, ADeploymentConsumesOneCreditAndARetryIsAlreadyBilled) {
  const auto key = sb().onboard("consume");
  const auto first = deploy(key, deployment("consume", 1));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json().at("outcome"), "credit_consumed");
  EXPECT_EQ(first.json().at("credit_balance"), 4);
  const auto retry = deploy(key, deployment("consume", 1));
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.json().at("outcome"), "already_billed");
  EXPECT_EQ(retry.json().at("fix_attempt_id"), first.json().at("fix_attempt_id"));
  EXPECT_EQ(balance(key), 4);
}

TEST_F(Endpoints, PaygWithoutCreditsIsChargedAndTheLedgerShowsPurchaseAndUse) {
  const auto key = sb().key("payg");
  const auto reply = deploy(key, deployment("payg", 1));
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json().at("outcome"), "charged");
  EXPECT_EQ(reply.json().at("amount_cents"), 2900);
  EXPECT_TRUE(reply.json().at("charge_id").get<std::string>().starts_with("ch_"));
  EXPECT_EQ(reply.json().at("credit_balance"), 0);
  const auto ledger = sb().get("/api/v1/credits/transactions", key).json().at("transactions");
  EXPECT_EQ(ledger[0].at("source"), "fix_deployed");  // newest first
  EXPECT_EQ(ledger[1].at("source"), "purchased");
}

TEST_F(Endpoints, NoCreditsWithoutBillingOrPastDueIs402AndChangesNothing) {
  const auto expired = deploy(sb().key("trial_expired"), deployment("expired", 1));
  EXPECT_EQ(expired.status, 402);
  EXPECT_EQ(expired.json().at("error"), "no_billing_info");
  const auto past_due = deploy(sb().key("pro_past_due"), deployment("past-due", 1));
  EXPECT_EQ(past_due.status, 402);
  EXPECT_EQ(past_due.json().at("error"), "payment_past_due");
  EXPECT_EQ(sb().get("/api/v1/credits/transactions", sb().key("trial_expired")).json().at("balance"), 0);
}

TEST_F(Endpoints, ADeclinedCardIs402AndLeavesTheLedgerAlone) {
  const auto key = sb().onboard("declined");
  ASSERT_EQ(sb().add_billing(key, "pm_card_chargeDeclined").status, 201);
  for (int pr = 1; pr <= 10; ++pr) ASSERT_EQ(deploy(key, deployment("declined", pr)).status, 201);
  const auto before = sb().get("/api/v1/credits/transactions", key).json();
  const auto declined = deploy(key, deployment("declined", 11));
  EXPECT_EQ(declined.status, 402);
  EXPECT_EQ(declined.json().at("error"), "card_declined");
  EXPECT_EQ(sb().get("/api/v1/credits/transactions", key).json(), before);
}

TEST_F(Endpoints, InvalidDeploymentReportsAre422) {
  const auto key = sb().key("pro_active");
  auto body = deployment("invalid", 1);
  body.erase("commit_sha");
  EXPECT_EQ(deploy(key, body).status, 422);
  body = deployment("invalid", -3);
  EXPECT_EQ(deploy(key, body).status, 422);
  EXPECT_EQ(sb().post("/api/v1/fix-deployments", "[1,2]", key).status, 400);
}

TEST_F(Endpoints, AnIdempotencyKeyReplaysTheFirstResponseByteForByte) {
  const auto key = sb().onboard("idem");
  const HeaderList idem = {{"Idempotency-Key", unique_id("idem-")}};
  const auto first = deploy(key, deployment("idem", 1), idem);
  ASSERT_EQ(first.status, 201);
  EXPECT_FALSE(first.header("Idempotent-Replayed").has_value());
  const auto replay = deploy(key, deployment("idem", 1), idem);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(balance(key), 4);

  const auto reuse = deploy(key, deployment("idem", 2), idem);
  EXPECT_EQ(reuse.status, 422);
  EXPECT_EQ(reuse.json().at("error"), "idempotency_key_reuse");
  EXPECT_EQ(balance(key), 4);
}

TEST_F(Endpoints, TransactionsListTheLedgerNewestFirstAndSumToTheBalance) {
  const auto key = sb().key("pro_renewed");
  const auto body = sb().get("/api/v1/credits/transactions", key).json();
  std::int64_t sum = 0;
  std::int64_t previous_id = INT64_MAX;
  for (const auto& row : body.at("transactions")) {
    sum += row.at("amount").get<std::int64_t>();
    EXPECT_LT(row.at("id").get<std::int64_t>(), previous_id);
    previous_id = row.at("id");
    for (const char* field : {"amount", "balance_after", "source", "metadata", "created_at"}) {
      EXPECT_TRUE(row.contains(field)) << field;
    }
  }
  EXPECT_EQ(sum, body.at("balance").get<std::int64_t>());
  EXPECT_EQ(body.at("balance"), 60);
  EXPECT_EQ(body.at("transactions")[0].at("balance_after"), 60);
}

TEST_F(Endpoints, UnknownPathsAre404AndWrongMethodsAre405WithAllow) {
  const auto missing = sb().get("/api/v1/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json().at("error"), "not_found");
  const auto wrong = sb().send("PUT", "/api/v1/billing/subscription", "{}", sb().key("pro_active"), {});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.json().at("error"), "method_not_allowed");
  EXPECT_EQ(wrong.header("Allow"), "POST, DELETE");
}

TEST(KeyRevocation, AKeyRevokedInTheDatabaseStopsWorkingWithinAboutASecond) {
  Sandbox sb;
  const auto key = sb.key("pro_active");
  ASSERT_EQ(sb.get("/api/v1/entitlement", key).status, 200);  // now in the server's lookup cache
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(sb.db_path().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  const std::string email = sb.me(key).at("email");
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE customers SET api_key_revoked = 1 WHERE email = ?1", -1, &statement, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(statement, 1, email.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_DONE);
  sqlite3_finalize(statement);
  sqlite3_close(db);

  const auto start = std::chrono::steady_clock::now();
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    status = sb.get("/api/v1/entitlement", key).status;
    if (status == 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 401);
  // The cache's 1 s TTL is what a user waits for; it is exact on a ManualClock in auth_cache_test.
  // Here, on a loaded machine, 5x that.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace rsolv::sandbox
