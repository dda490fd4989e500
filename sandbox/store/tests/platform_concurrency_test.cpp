// Idempotency keys and concurrent requests: a retried or duplicated report never bills twice, and
// the balance never goes below zero, because the database (not the caller) enforces it.
#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

#include "platform_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;

class PlatformConcurrency : public PlatformFixture {
 protected:
  // Runs `body(thread_index)` on `threads` threads released at the same moment.
  template <typename Body>
  static void race(int threads, Body body) {
    std::barrier start(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        start.arrive_and_wait();
        body(t);
      });
    }
    for (auto& thread : pool) thread.join();
  }
  // No ledger row may show a negative balance, and each row's balance_after is the running sum.
  void expect_consistent_ledger(CustomerId id) {
    Connection db(db_path());
    Statement rows(db, "SELECT amount, balance_after FROM credit_ledger WHERE customer_id = ?1 ORDER BY id");
    rows.bind(1, id.value);
    std::int64_t running = 0;
    while (rows.step()) {
      running += rows.int64(0);
      EXPECT_EQ(rows.int64(1), running);
      EXPECT_GE(rows.int64(1), 0);
    }
    EXPECT_EQ(running, balance(id));
  }
};

TEST_F(PlatformConcurrency, ReplayIsByteForByteEvenAfterTheBalanceMoved) {
  const auto id = onboard("replay@example.com");
  const auto first = deploy(id, 1, "key-1");
  ASSERT_EQ(first.status, 201);
  EXPECT_TRUE(first.headers.empty());
  deploy(id, 2);
  deploy(id, 3);
  const auto replay = deploy(id, 1, "key-1");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);  // still says the balance of that moment: 4
  ASSERT_EQ(replay.headers.size(), 1u);
  EXPECT_EQ(replay.headers[0], (std::pair<std::string, std::string>{"Idempotent-Replayed", "true"}));
  EXPECT_EQ(balance(id), 2);
}

TEST_F(PlatformConcurrency, ReuseWithAnotherBodyIs422AndChangesNothing) {
  const auto id = onboard("reuse@example.com");
  ASSERT_EQ(deploy(id, 1, "key-r").status, 201);
  const auto reuse = deploy(id, 2, "key-r");
  EXPECT_EQ(reuse.status, 422);
  EXPECT_EQ(error_of(reuse), "idempotency_key_reuse");
  EXPECT_EQ(balance(id), 4);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM fix_attempts"), 1);
}

TEST_F(PlatformConcurrency, KeysAreScopedToTheCustomer) {
  const auto a = onboard("scope-a@example.com");
  const auto b = onboard("scope-b@example.com");
  EXPECT_EQ(deploy(a, 1, "shared-key").status, 201);
  const auto other = deploy(b, 2, "shared-key");
  EXPECT_EQ(other.status, 201);
  EXPECT_TRUE(other.headers.empty());
  EXPECT_EQ(balance(b), 4);
}

TEST_F(PlatformConcurrency, RefusalsAreNotRememberedSoARetryAfterAddingBillingWorks) {
  const auto id = onboard("retry-after-billing@example.com");
  const int pr = spend_all_credits(id);
  EXPECT_EQ(deploy(id, pr, "key-402").status, 402);
  add_billing(id);
  const auto retried = deploy(id, pr, "key-402");
  EXPECT_EQ(retried.status, 201);
  EXPECT_TRUE(retried.headers.empty());
  EXPECT_EQ(json::parse(retried.body)["outcome"], "credit_consumed");
}

TEST_F(PlatformConcurrency, KeyLengthIsChecked) {
  const auto id = onboard("keylen@example.com");
  EXPECT_EQ(deploy(id, 1, "").status, 400);
  EXPECT_EQ(deploy(id, 1, std::string(256, 'k')).status, 400);
  EXPECT_EQ(deploy(id, 1, std::string(255, 'k')).status, 201);
  EXPECT_EQ(balance(id), 4);
}

TEST_F(PlatformConcurrency, ExpiredKeyIsForgottenAfter24Hours) {
  const auto id = onboard("expiry@example.com");
  const auto first = deploy(id, 1, "key-e");
  clock_.advance(std::chrono::hours(23));
  EXPECT_EQ(deploy(id, 1, "key-e").body, first.body);
  EXPECT_EQ(deploy(id, 2, "key-e").status, 422) << "inside 24 h the key is still bound to its body";
  clock_.advance(std::chrono::hours(2));
  const auto fresh = deploy(id, 1, "key-e");
  EXPECT_TRUE(fresh.headers.empty());
  EXPECT_EQ(json::parse(fresh.body)["outcome"], "already_billed") << "the PR dedupe still holds";
}

TEST_F(PlatformConcurrency, ExpiredKeysAreReclaimedFromTheFile) {
  const auto id = onboard("reclaim@example.com");
  add_billing(id);
  for (int pr = 1; pr <= 5; ++pr) deploy(id, pr, "old-" + std::to_string(pr));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM idempotency_keys"), 5);
  clock_.advance(std::chrono::hours(1));
  deploy(id, 6, "young");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM idempotency_keys"), 6) << "nothing has expired yet";
  clock_.advance(std::chrono::hours(23));
  deploy(id, 7, "new");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM idempotency_keys"), 2) << "the five keys older than 24 h are gone";
  EXPECT_EQ(deploy(id, 6, "young").headers.size(), 1u) << "a key inside its 24 h still replays";
}

TEST_F(PlatformConcurrency, FiftyReportsWithOneKeyGetOneResponse) {
  const auto id = onboard("fifty@example.com");
  std::vector<ApiResult> results(50);
  race(50, [&](int t) { results[t] = deploy(id, 7, "one-key"); });
  int replayed = 0;
  for (const auto& result : results) {
    EXPECT_EQ(result.status, 201);
    EXPECT_EQ(result.body, results[0].body);
    replayed += result.headers.empty() ? 0 : 1;
  }
  EXPECT_EQ(replayed, 49);
  EXPECT_EQ(balance(id), 4);
  expect_consistent_ledger(id);
}

TEST_F(PlatformConcurrency, HundredReportsOfOnePrBillItOnce) {
  const auto id = onboard("hundred@example.com");
  add_billing(id);
  spend_all_credits(id);
  std::atomic<int> charged{0}, already{0}, other{0};
  race(100, [&](int t) {
    const auto result = deploy(id, 1, "key-" + std::to_string(t));  // every retry with its own key
    const auto outcome = json::parse(result.body).value("outcome", "");
    (outcome == "charged" ? charged : outcome == "already_billed" ? already : other)++;
  });
  EXPECT_EQ(charged.load(), 1);
  EXPECT_EQ(already.load(), 99);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM charges"), 1);
  EXPECT_EQ(balance(id), 0);
  expect_consistent_ledger(id);
}

TEST_F(PlatformConcurrency, EightThreadsNeverOverdrawWithoutBilling) {
  const auto id = onboard("overdraw@example.com");
  std::atomic<int> consumed{0}, refused{0};
  race(8, [&](int t) {
    for (int i = 0; i < 30; ++i) {
      const auto result = deploy(id, 1 + t * 100 + i);
      if (result.status == 201) {
        ++consumed;
      } else {
        EXPECT_EQ(error_of(result), "no_billing_info");
        ++refused;
      }
    }
  });
  EXPECT_EQ(consumed.load(), 5);
  EXPECT_EQ(refused.load(), 235);
  EXPECT_EQ(balance(id), 0);
  expect_consistent_ledger(id);
}

TEST_F(PlatformConcurrency, EightThreadsConsumeThenChargeWithExactCounts) {
  const auto id = onboard("mixed@example.com");
  add_billing(id);  // 10 credits, then PAYG charges
  std::atomic<int> consumed{0}, charged{0};
  race(8, [&](int t) {
    for (int i = 0; i < 20; ++i) {
      const auto body = json::parse(deploy(id, 1 + t * 100 + i).body);
      (body.at("outcome") == "charged" ? charged : consumed)++;
    }
  });
  EXPECT_EQ(consumed.load(), 10);
  EXPECT_EQ(charged.load(), 150);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM charges"), 150);
  EXPECT_EQ(scalar("SELECT SUM(amount_cents) FROM charges"), 150 * 2900);
  EXPECT_EQ(balance(id), 0);
  expect_consistent_ledger(id);
  const auto counters = platform().counters();
  EXPECT_EQ(counters.credits_consumed, 160);
  EXPECT_EQ(counters.credits_granted.at(LedgerSource::purchased), 150);
}

TEST_F(PlatformConcurrency, SixteenDeliveriesOfOneAttachGrantTheBonusOnce) {
  const auto id = onboard("attach-race@example.com");
  {
    // The Stripe customer exists before the platform saw a payment method (a Checkout sign-up).
    Connection db(db_path());
    Statement set(db, "UPDATE customers SET stripe_customer_id = 'cus_attachrace' WHERE id = ?1");
    set.bind(1, id.value).run();
  }
  const auto attached = event("evt_attach_race", "payment_method.attached",
                              {{"id", "pm_race"}, {"object", "payment_method"}, {"customer", "cus_attachrace"}});
  std::atomic<int> processed{0}, duplicate{0};
  race(16, [&](int) { (status_of(deliver(attached)) == "processed" ? processed : duplicate)++; });
  EXPECT_EQ(processed.load(), 1);
  EXPECT_EQ(duplicate.load(), 15);
  EXPECT_EQ(balance(id), 10);
  EXPECT_EQ(me(id)["has_billing"], true);
  EXPECT_EQ(webhook_rows(), 1);
  const auto counters = platform().counters();
  EXPECT_EQ(counters.webhooks.at({"payment_method.attached", "processed"}), 1);
  EXPECT_EQ(counters.webhooks.at({"payment_method.attached", "duplicate"}), 15);
  EXPECT_EQ(counters.credits_granted.at(LedgerSource::billing_added), 5);
}

TEST_F(PlatformConcurrency, DistinctProInvoicesDeliveredTogetherEachGrantSixty) {
  const auto id = onboard("invoices@example.com");
  add_billing(id);
  const auto cus = stripe_customer(id);
  race(12, [&](int t) {
    EXPECT_EQ(status_of(deliver(event("evt_inv_" + std::to_string(t), "invoice.payment_succeeded", pro_invoice(cus)))),
              "processed");
  });
  EXPECT_EQ(balance(id), 10 + 12 * 60);
  expect_consistent_ledger(id);
}

}  // namespace
}  // namespace rsolv::sandbox
