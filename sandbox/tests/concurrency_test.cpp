// Concurrency against the real process: concurrent duplicate webhook deliveries
// credit once, concurrent reports of one PR bill once, one Idempotency-Key gives one response.
#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/sandbox_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;
using nlohmann::json;

// Runs `body(i)` on `n` threads released together, so the requests really overlap.
template <typename Body>
void together(int n, Body body) {
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  }
  for (auto& thread : threads) thread.join();
}

TEST(Concurrency, TwoHundredDeliveriesOfOnePaidInvoiceCreditSixtyOnce) {
  Sandbox sb;
  const auto key = sb.onboard("burst");
  ASSERT_EQ(sb.add_billing(key).status, 201);
  const std::string customer = sb.me(key).at("stripe_customer_id");
  const auto event = stripe_event(unique_id("evt_"), "invoice.payment_succeeded", pro_invoice(customer));
  const auto signature = sb.sign(event);

  std::mutex mutex;
  std::map<std::string, int> outcomes;
  together(200, [&](int) {
    HttpConnection connection(sb.port());
    const auto reply = connection.send("POST", "/api/webhooks/stripe", event, {{"Stripe-Signature", signature}});
    std::lock_guard lock(mutex);
    outcomes[std::to_string(reply.status) + " " + (reply.status == 200 ? reply.json().at("status").get<std::string>() : reply.body)]++;
  });
  EXPECT_EQ(outcomes["200 processed"], 1);
  EXPECT_EQ(outcomes["200 duplicate"], 199);
  EXPECT_EQ(outcomes.size(), 2u);

  EXPECT_EQ(sb.me(key).at("credit_balance"), 70);
  int pro_rows = 0;
  const auto ledger = sb.get("/api/v1/credits/transactions", key).json();
  for (const auto& row : ledger.at("transactions")) {
    if (row.at("source") == "pro_subscription_payment") ++pro_rows;
  }
  EXPECT_EQ(pro_rows, 1);
}

TEST(Concurrency, OneHundredReportsOfOnePullRequestBillItOnce) {
  Sandbox sb;
  const auto key = sb.key("payg");  // no credits: each bill would be a card charge
  const json body = {{"github_org", "acme"}, {"repo_name", "race"}, {"pr_number", 1}, {"commit_sha", "abcdef1234567"}};
  std::mutex mutex;
  std::map<std::string, int> outcomes;
  std::set<std::int64_t> attempts;
  together(100, [&](int) {
    HttpConnection connection(sb.port());
    const auto reply = connection.send("POST", "/api/v1/fix-deployments", body.dump(), {{"x-api-key", key}});
    std::lock_guard lock(mutex);
    const auto answer = reply.json();
    outcomes[std::to_string(reply.status) + " " + answer.value("outcome", answer.value("error", "?"))]++;
    if (answer.contains("fix_attempt_id")) attempts.insert(answer.at("fix_attempt_id").get<std::int64_t>());
  });
  EXPECT_EQ(outcomes["201 charged"], 1);
  EXPECT_EQ(outcomes["200 already_billed"], 99);
  EXPECT_EQ(attempts.size(), 1u);
  const auto ledger = sb.get("/api/v1/credits/transactions", key).json();
  int purchased = 0;
  for (const auto& row : ledger.at("transactions")) {
    if (row.at("source") == "purchased") ++purchased;
  }
  EXPECT_EQ(purchased, 1) << "one card charge";
  EXPECT_EQ(ledger.at("balance"), 0);
  const auto metrics = sb.get("/metrics").body;
  EXPECT_NE(metrics.find(R"(rsolv_sandbox_charges_total{outcome="succeeded"} 1)"), std::string::npos) << metrics;
}

TEST(Concurrency, FiftyReportsWithOneIdempotencyKeyGetTheSameResponse) {
  Sandbox sb;
  const auto key = sb.onboard("idem");
  const json body = {{"github_org", "acme"}, {"repo_name", "idem"}, {"pr_number", 9}, {"commit_sha", "abcdef1234567"}};
  const auto idempotency_key = unique_id("idem-");
  std::mutex mutex;
  std::vector<Reply> replies;
  together(50, [&](int) {
    HttpConnection connection(sb.port());
    auto reply = connection.send("POST", "/api/v1/fix-deployments", body.dump(),
                                 {{"x-api-key", key}, {"Idempotency-Key", idempotency_key}});
    std::lock_guard lock(mutex);
    replies.push_back(std::move(reply));
  });
  ASSERT_EQ(replies.size(), 50u);
  int originals = 0;
  for (const auto& reply : replies) {
    EXPECT_EQ(reply.status, 201);
    EXPECT_EQ(reply.body, replies.front().body);
    if (!reply.header("Idempotent-Replayed")) ++originals;
  }
  EXPECT_EQ(originals, 1);
  EXPECT_EQ(sb.me(key).at("credit_balance"), 4);
}

TEST(Concurrency, ParallelDeploymentsOfDistinctPullRequestsNeverOverdraw) {
  Sandbox sb;
  const auto key = sb.onboard("drain");  // 5 credits, no billing: the sixth fix must be refused
  std::mutex mutex;
  std::map<int, int> statuses;
  together(40, [&](int i) {
    HttpConnection connection(sb.port());
    const json body = {{"github_org", "acme"}, {"repo_name", "drain"}, {"pr_number", i + 1}, {"commit_sha", "abcdef1234567"}};
    const auto reply = connection.send("POST", "/api/v1/fix-deployments", body.dump(), {{"x-api-key", key}});
    std::lock_guard lock(mutex);
    statuses[reply.status]++;
  });
  EXPECT_EQ(statuses[201], 5);
  EXPECT_EQ(statuses[402], 35);
  EXPECT_EQ(sb.me(key).at("credit_balance"), 0);
}

}  // namespace
}  // namespace rsolv::sandbox
