// The SQLite file itself: what the schema refuses, migrations, clear errors for unusable files,
// keys stored as hashes only, values bound rather than spliced, and the nine seeded states.
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "platform_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;

class PlatformStorage : public PlatformFixture {
 protected:
  // Runs `sql` on a fresh connection and returns the error the database raised, if any.
  std::optional<DatabaseError> refusal(const std::string& sql) {
    Connection db(db_path());
    try {
      db.exec(sql);
    } catch (const DatabaseError& error) {
      return error;
    }
    return std::nullopt;
  }
  std::string error_opening(const std::string& path) {
    auto config = base_config();
    config.db_path = path;
    try {
      Platform platform(config, clock_);
    } catch (const Error& error) {
      return error.what();
    }
    return {};
  }
  std::int64_t user_version() { return scalar("PRAGMA user_version"); }
};

TEST_F(PlatformStorage, LedgerRowsCanBeNeitherChangedNorRemoved) {
  const auto id = onboard("append-only@example.com");
  deploy(id, 1);
  for (const auto* sql :
       {"UPDATE credit_ledger SET metadata = '{}' WHERE id = 1", "UPDATE credit_ledger SET amount = amount + 100",
        "DELETE FROM credit_ledger WHERE id = 2", "BEGIN; DELETE FROM credit_ledger; COMMIT;"}) {
    const auto error = refusal(sql);
    ASSERT_TRUE(error) << sql;
    EXPECT_NE(std::string(error->what()).find("append-only"), std::string::npos) << error->what();
  }
  EXPECT_EQ(ledger_rows(id), 2);
  EXPECT_EQ(ledger_sum(id), 4);
}

TEST_F(PlatformStorage, SchemaRefusesNegativeBalancesAndUnknownSources) {
  const auto id = onboard("checks@example.com");
  const auto customer = std::to_string(id.value);
  auto error = refusal("UPDATE customers SET credit_balance = -1 WHERE id = " + customer);
  ASSERT_TRUE(error);
  EXPECT_TRUE(error->is_check_violation());
  error = refusal("INSERT INTO credit_ledger (customer_id, amount, balance_after, source, created_at) VALUES (" +
                  customer + ", -10, -5, 'fix_deployed', 0)");
  ASSERT_TRUE(error);
  EXPECT_TRUE(error->is_check_violation());
  error = refusal("INSERT INTO credit_ledger (customer_id, amount, balance_after, source, created_at) VALUES (" +
                  customer + ", 1, 6, 'gift', 0)");
  ASSERT_TRUE(error);
  EXPECT_TRUE(error->is_check_violation());
  EXPECT_TRUE(refusal("UPDATE customers SET subscription_state = 'paused'"));
  EXPECT_EQ(balance(id), 5);
}

TEST_F(PlatformStorage, UniquenessLivesInTheSchema) {
  const auto id = onboard("unique@example.com");
  add_billing(id);
  deploy(id, 1, "key-u");
  deliver(event("evt_unique", "charge.succeeded", {{"id", "ch_1"}}));
  const auto customer = std::to_string(id.value);
  for (const auto& sql :
       {std::string("INSERT INTO customers (name, email, api_key_sha256, created_at) "
                    "SELECT 'x', email, 'other', 0 FROM customers"),
        std::string("INSERT INTO customers (name, email, api_key_sha256, created_at) "
                    "SELECT 'x', 'other@example.com', api_key_sha256, 0 FROM customers"),
        std::string("INSERT INTO customers (name, email, api_key_sha256, stripe_customer_id, created_at) "
                    "SELECT 'x', 'o@example.com', 'h', stripe_customer_id, 0 FROM customers"),
        std::string(
            "INSERT INTO webhook_events (id, type, outcome, received_at) VALUES ('evt_unique', 't', 'ignored', 0)"),
        "INSERT INTO idempotency_keys (customer_id, key, request_sha256, status, response_body, created_at) VALUES (" +
            customer + ", 'key-u', 'h', 201, '{}', 0)",
        "INSERT INTO fix_attempts (customer_id, github_org, repo_name, pr_number, created_at) VALUES (" + customer +
            ", 'acme', 'web', 1, 0)"}) {
    const auto error = refusal(sql);
    ASSERT_TRUE(error) << sql;
    EXPECT_TRUE(error->is_unique_violation()) << sql << ": " << error->what();
  }
}

TEST_F(PlatformStorage, TheFileIsInWalModeForConcurrentReaders) {
  Connection db(db_path());
  Statement mode(db, "PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
}

TEST_F(PlatformStorage, ReopeningManyTimesKeepsDataAndTheSchema) {
  std::string key;
  const auto id = onboard("reopen-many@example.com", &key);
  const auto objects = scalar("SELECT COUNT(*) FROM sqlite_master");
  for (int i = 0; i < 3; ++i) {
    platform_.reset();
    open();
  }
  EXPECT_EQ(user_version(), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sqlite_master"), objects);
  ASSERT_TRUE(platform().authenticate(key));
  EXPECT_EQ(platform().authenticate(key)->value, id.value);
  EXPECT_EQ(balance(id), 5);
}

TEST_F(PlatformStorage, AVersionOneFileIsUpgradedInPlaceKeepingItsData) {
  std::string key;
  const auto id = onboard("upgrade@example.com", &key);
  platform_.reset();
  {
    // What a sandbox built before migration 2 left behind.
    Connection db(db_path());
    db.exec("DROP TABLE stripe_subscriptions; PRAGMA user_version = 1;");
  }
  open();
  EXPECT_EQ(user_version(), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'stripe_subscriptions'"), 1);
  ASSERT_TRUE(platform().authenticate(key));
  EXPECT_EQ(balance(id), 5);
}

TEST_F(PlatformStorage, ConcurrentOpensOfAFreshFileMigrateOnce) {
  platform_.reset();
  for (int round = 0; round < 4; ++round) {
    const auto path = (dir_ / ("fresh" + std::to_string(round) + ".db")).string();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        try {
          auto config = base_config();
          config.db_path = path;
          config.connections = 1;
          Platform platform(config, clock_);
        } catch (const std::exception& error) {
          ADD_FAILURE() << error.what();
          ++failures;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0) << "round " << round;
    Connection db(path);
    Statement version(db, "PRAGMA user_version");
    version.step();
    EXPECT_EQ(version.int64(0), 2);
  }
}

TEST_F(PlatformStorage, ANewerSchemaIsRefusedWithAClearMessage) {
  platform_.reset();
  {
    Connection db(db_path());
    db.exec("PRAGMA user_version = 99");
  }
  const auto message = error_opening(db_path());
  EXPECT_NE(message.find("newer"), std::string::npos) << message;
  EXPECT_NE(message.find("--db"), std::string::npos) << message;
}

TEST_F(PlatformStorage, AFileThatIsNotADatabaseIsAClearError) {
  const auto path = (dir_ / "notes.txt").string();
  std::ofstream(path) << "these are not the rows you are looking for\n" << std::string(4096, 'x');
  const auto message = error_opening(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("not a database"), std::string::npos) << message;
}

TEST_F(PlatformStorage, AMissingDirectoryIsAClearError) {
  const auto path = (dir_ / "no" / "such" / "dir" / "sandbox.db").string();
  const auto message = error_opening(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("directory"), std::string::npos) << message;
}

TEST_F(PlatformStorage, SqlMetacharactersAreStoredVerbatim) {
  const std::string name = "Robert'); DROP TABLE customers;--";
  const auto result = api().onboard(json{{"name", name}, {"email", "bobby@example.com"}}.dump());
  ASSERT_EQ(result.status, 201);
  const auto id = CustomerId{json::parse(result.body)["customer"]["id"].get<std::int64_t>()};
  EXPECT_EQ(me(id)["name"], name);
  const std::string event_id = "evt_' OR '1'='1";
  EXPECT_EQ(status_of(deliver(event(event_id, "charge.succeeded", {{"id", "ch_1"}}))), "ignored");
  EXPECT_EQ(status_of(deliver(event(event_id, "charge.succeeded", {{"id", "ch_1"}}))), "duplicate");
  EXPECT_EQ(status_of(deliver(event("evt_' OR '1'='2", "charge.succeeded", {{"id", "ch_1"}}))), "ignored");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM customers"), 1);
  EXPECT_FALSE(platform().authenticate("' OR '1'='1"));
}

TEST_F(PlatformStorage, KeysAreDistinctBase64urlAndOnlyTheirHashIsStored) {
  const std::regex shape("rsolv_[A-Za-z0-9_-]{43}");
  std::set<std::string> keys;
  for (int i = 0; i < 20; ++i) {
    std::string key;
    onboard("key" + std::to_string(i) + "@example.com", &key);
    EXPECT_TRUE(std::regex_match(key, shape)) << "key " << i << " has the wrong shape";
    keys.insert(key);
  }
  EXPECT_EQ(keys.size(), 20u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM customers WHERE length(api_key_sha256) = 64"), 20);
  platform_.reset();
  std::string bytes;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::ifstream file(entry.path(), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  for (const auto& key : keys) EXPECT_EQ(bytes.find(key.substr(6)), std::string::npos) << "a raw key reached the file";
}

TEST_F(PlatformStorage, RevokedKeysAndUnknownCustomersAreRefused) {
  std::string key;
  const auto id = onboard("revoke@example.com", &key);
  ASSERT_TRUE(platform().authenticate(key));
  EXPECT_TRUE(platform().revoke_api_key(id));
  EXPECT_FALSE(platform().authenticate(key));
  EXPECT_FALSE(platform().authenticate(""));
  EXPECT_FALSE(platform().revoke_api_key(CustomerId{id.value + 100}));
  EXPECT_EQ(api().me(CustomerId{id.value + 100}).status, 401);
  EXPECT_EQ(api().entitlement(CustomerId{id.value + 100}).status, 401);
  EXPECT_EQ(api().transactions(CustomerId{id.value + 100}).status, 401);
}

TEST_F(PlatformStorage, EveryBalanceEqualsItsLedgerAfterMixedTraffic) {
  const auto a = onboard("mix-a@example.com");
  const auto b = pro_customer("mix-b@example.com");
  const auto c = onboard("mix-c@example.com");
  add_billing(a, "pm_card_chargeDeclined");
  add_billing(c);
  for (int pr = 1; pr <= 15; ++pr) {
    deploy(a, pr);
    deploy(b, pr);
    deploy(c, pr, "k" + std::to_string(pr % 4));
  }
  deliver(event("evt_mix", "invoice.payment_succeeded", pro_invoice(stripe_customer(b))));
  platform().seed();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM customers c WHERE credit_balance != "
                   "(SELECT COALESCE(SUM(amount), 0) FROM credit_ledger l WHERE l.customer_id = c.id)"),
            0);
  EXPECT_EQ(scalar("SELECT MIN(balance_after) FROM credit_ledger"), 0);
}

TEST_F(PlatformStorage, TransactionsAreNewestFirstWithTheBalance) {
  const auto id = onboard("history@example.com");
  add_billing(id);
  deploy(id, 1);
  clock_.advance(std::chrono::seconds(10));
  deploy(id, 2);
  const auto body = json::parse(api().transactions(id).body);
  EXPECT_EQ(body["balance"], 8);
  const auto& rows = body["transactions"];
  ASSERT_EQ(rows.size(), 4u);
  std::vector<std::string> sources;
  for (const auto& row : rows) sources.push_back(row["source"]);
  EXPECT_EQ(sources, (std::vector<std::string>{"fix_deployed", "fix_deployed", "billing_added", "trial_signup"}));
  EXPECT_EQ(rows[0]["created_at"], clock_.unix_seconds());
  EXPECT_GT(rows[0]["id"].get<std::int64_t>(), rows[1]["id"].get<std::int64_t>());
  EXPECT_EQ(rows[0]["balance_after"], 8);
  EXPECT_EQ(rows[3]["balance_after"], 5);
}

TEST_F(PlatformStorage, CountersOnlyCountCommittedWork) {
  const auto id = onboard("counters@example.com");
  const int pr = spend_all_credits(id);
  EXPECT_EQ(deploy(id, pr).status, 402);
  auto counters = platform().counters();
  EXPECT_EQ(counters.credits_granted.at(LedgerSource::trial_signup), 5);
  EXPECT_EQ(counters.credits_consumed, 5);
  EXPECT_TRUE(counters.charges.empty());
  add_billing(id);
  spend_all_credits(id, pr);
  deploy(id, pr + 100);
  counters = platform().counters();
  EXPECT_EQ(counters.credits_granted.at(LedgerSource::billing_added), 5);
  EXPECT_EQ(counters.credits_granted.at(LedgerSource::purchased), 1);
  EXPECT_EQ(counters.credits_consumed, 11);
  EXPECT_EQ(counters.charges.at("succeeded"), 1);
}

// ---- the nine seeded states (docs/platform-contract.md#seeded-customer-states) ----

class PlatformSeed : public PlatformStorage {
 protected:
  const SeededCustomer& find(const std::vector<SeededCustomer>& all, const std::string& state) {
    for (const auto& customer : all) {
      if (customer.state == state) return customer;
    }
    ADD_FAILURE() << "no seeded state " << state;
    return all.front();
  }
};

TEST_F(PlatformSeed, EachStateLooksAsTheContractDescribes) {
  const auto seeded = platform().seed();
  ASSERT_EQ(seeded.size(), 9u);
  struct Expect {
    std::string state, type, reason;
    bool billing, cancel_scheduled;
    std::optional<std::string> subscription_state;
  };
  const std::vector<Expect> expected = {
      {"trial_no_billing", "trial", "credits", false, false, std::nullopt},
      {"trial_with_billing", "trial", "credits", true, false, std::nullopt},
      {"trial_expired", "trial", "no_billing_info", false, false, std::nullopt},
      {"payg", "pay_as_you_go", "payg", true, false, std::nullopt},
      {"pro_active", "pro", "credits", true, false, "active"},
      {"pro_past_due", "pro", "payment_past_due", true, false, "past_due"},
      {"pro_cancelled", "pay_as_you_go", "credits", true, false, std::nullopt},
      {"pro_cancel_scheduled", "pro", "credits", true, true, "active"},
      {"pro_renewed", "pro", "credits", true, false, "active"},
  };
  for (const auto& want : expected) {
    const auto& got = find(seeded, want.state);
    const auto id = platform().authenticate(got.api_key);
    ASSERT_TRUE(id) << want.state;
    EXPECT_EQ(id->value, got.customer_id);
    const auto customer = me(*id);
    EXPECT_EQ(customer["email"], got.email);
    EXPECT_EQ(customer["subscription_type"], want.type) << want.state;
    EXPECT_EQ(customer["has_billing"], want.billing) << want.state;
    EXPECT_EQ(customer["cancel_at_period_end"], want.cancel_scheduled) << want.state;
    EXPECT_EQ(customer["subscription_state"].is_null(), !want.subscription_state) << want.state;
    if (want.subscription_state) {
      EXPECT_EQ(customer["subscription_state"], *want.subscription_state) << want.state;
    }
    EXPECT_EQ(entitlement(*id)["reason"], want.reason) << want.state;
    EXPECT_EQ(customer["credit_balance"], got.credit_balance);
    EXPECT_EQ(ledger_sum(*id), got.credit_balance) << want.state;
    EXPECT_EQ(got.stripe_customer_id.has_value(), want.billing) << want.state;
  }
  EXPECT_EQ(find(seeded, "trial_no_billing").credit_balance, 3);
  EXPECT_EQ(find(seeded, "trial_with_billing").credit_balance, 7);
  EXPECT_EQ(find(seeded, "pro_active").credit_balance, 45);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM credit_ledger WHERE customer_id = ?1 AND source = 'pro_subscription_payment'",
                   find(seeded, "pro_renewed").customer_id),
            2);
}

TEST_F(PlatformSeed, SeededCustomersBehaveLikeTheirState) {
  const auto seeded = platform().seed();
  const auto id_of = [&](const std::string& state) { return CustomerId{find(seeded, state).customer_id}; };
  EXPECT_EQ(json::parse(deploy(id_of("pro_active"), 1).body)["outcome"], "credit_consumed");
  const auto payg = json::parse(deploy(id_of("payg"), 1).body);
  EXPECT_EQ(payg["outcome"], "charged");
  EXPECT_EQ(payg["amount_cents"], 2900);
  EXPECT_EQ(error_of(deploy(id_of("trial_expired"), 1)), "no_billing_info");
  EXPECT_EQ(error_of(deploy(id_of("pro_past_due"), 1)), "payment_past_due");
  // The seeded Stripe ids are known to the webhook endpoint.
  const auto cus = *find(seeded, "pro_past_due").stripe_customer_id;
  EXPECT_EQ(status_of(deliver(event("evt_seed_paid", "invoice.payment_succeeded", pro_invoice(cus)))), "processed");
  EXPECT_EQ(balance(id_of("pro_past_due")), 60);
  EXPECT_EQ(me(id_of("pro_past_due"))["subscription_state"], "active");
}

TEST_F(PlatformSeed, SeedingTwiceAddsNineMoreWithFreshKeysAndEmails) {
  const auto first = platform().seed();
  const auto second = platform().seed();
  std::set<std::string> keys, emails, stripe_ids;
  for (const auto* batch : {&first, &second}) {
    for (const auto& customer : *batch) {
      keys.insert(customer.api_key);
      emails.insert(customer.email);
      if (customer.stripe_customer_id) stripe_ids.insert(*customer.stripe_customer_id);
    }
  }
  EXPECT_EQ(keys.size(), 18u);
  EXPECT_EQ(emails.size(), 18u);
  EXPECT_EQ(stripe_ids.size(), 14u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM customers"), 18);
}

}  // namespace
}  // namespace rsolv::sandbox
