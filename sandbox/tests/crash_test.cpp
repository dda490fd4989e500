// kill -9 in the middle of a burst of fix deployments: every acknowledged bill is in the SQLite
// file afterwards, every balance equals the sum of its ledger, and the server restarts on it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "support/sandbox_fixture.hpp"

namespace rsolv::sandbox {
namespace {

using namespace rsolv::sandbox::testing;
using nlohmann::json;

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
  }
  ~Db() { sqlite3_close(db_); }
  // The first column of every row, as text.
  std::vector<std::string> column(const std::string& sql, std::optional<std::int64_t> bind = std::nullopt) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("bad SQL: ") + sqlite3_errmsg(db_));
    }
    if (bind) sqlite3_bind_int64(statement, 1, *bind);
    std::vector<std::string> out;
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(statement, 0);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    sqlite3_finalize(statement);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

struct Ack {
  std::int64_t fix_attempt_id;
  std::string outcome;
  std::string repo;
  int pr = 0;
  std::size_t key = 0;
};

TEST(Crash, KillNineDuringADeploymentBurstLosesNoAcknowledgedBill) {
  auto sb = std::make_unique<Sandbox>();
  const std::vector<std::string> keys = {sb->key("pro_renewed"), sb->key("payg"), sb->key("trial_with_billing")};
  const auto db_path = sb->db_path().string();

  std::mutex mutex;
  std::vector<Ack> acked;
  std::atomic<int> ack_count{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      std::optional<HttpConnection> connection;
      connection.emplace(sb->port(), std::chrono::seconds(5));
      for (int i = 0; i < 2000 && !stop && std::chrono::steady_clock::now() < deadline; ++i) {
        const json body = {{"github_org", "crash"},
                           {"repo_name", "r" + std::to_string(t)},
                           {"pr_number", i + 1},
                           {"commit_sha", "abcdef1234567"}};
        try {
          const auto reply = connection->send("POST", "/api/v1/fix-deployments", body.dump(),
                                             {{"x-api-key", keys[static_cast<std::size_t>(t) % keys.size()]}});
          if (reply.status == 201) {
            const auto answer = reply.json();
            std::lock_guard lock(mutex);
            acked.push_back({answer.at("fix_attempt_id").get<std::int64_t>(), answer.at("outcome").get<std::string>(),
                             "r" + std::to_string(t), i + 1, static_cast<std::size_t>(t) % keys.size()});
            ack_count.fetch_add(1);
          }
        } catch (const std::exception&) {
          if (stop) return;  // the server is gone
          // A slow answer on a loaded machine: start over on a fresh connection.
          try {
            connection.emplace(sb->port(), std::chrono::seconds(5));
          } catch (const std::exception&) {
            return;
          }
        }
      }
    });
  }
  while (ack_count.load() < 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  sb->process().kill();  // SIGKILL while the workers are still sending
  stop = true;
  for (auto& worker : workers) worker.join();
  ASSERT_GE(acked.size(), 200u);

  {
    Db db(db_path);
    EXPECT_EQ(db.column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    bool charged_seen = false;
    for (const auto& ack : acked) {
      charged_seen = charged_seen || ack.outcome == "charged";
      EXPECT_EQ(db.column("SELECT billing_status FROM fix_attempts WHERE id = ?1", ack.fix_attempt_id),
                std::vector<std::string>{"billed"})
          << ack.fix_attempt_id;
      EXPECT_EQ(db.column("SELECT COUNT(*) FROM credit_ledger WHERE source = 'fix_deployed' AND "
                          "json_extract(metadata, '$.fix_attempt_id') = ?1",
                          ack.fix_attempt_id),
                std::vector<std::string>{"1"})
          << ack.fix_attempt_id;
    }
    EXPECT_TRUE(charged_seen) << "the burst covered both the credit and the card branch";
    // Balance == sum of its ledger, and the newest balance_after, for every customer.
    EXPECT_EQ(db.column("SELECT COUNT(*) FROM customers c WHERE c.credit_balance != "
                        "(SELECT COALESCE(SUM(amount), 0) FROM credit_ledger l WHERE l.customer_id = c.id)"),
              std::vector<std::string>{"0"});
    EXPECT_EQ(db.column("SELECT COUNT(*) FROM customers c WHERE c.credit_balance != COALESCE("
                        "(SELECT balance_after FROM credit_ledger l WHERE l.customer_id = c.id ORDER BY id DESC LIMIT 1), 0)"),
              std::vector<std::string>{"0"});
    EXPECT_EQ(db.column("SELECT COUNT(*) FROM credit_ledger WHERE balance_after < 0"), std::vector<std::string>{"0"});
    // Every billed attempt has exactly one fix_deployed row (no half-applied bill).
    EXPECT_EQ(db.column("SELECT COUNT(*) FROM fix_attempts f WHERE f.billing_status = 'billed' AND 1 != "
                        "(SELECT COUNT(*) FROM credit_ledger l WHERE l.source = 'fix_deployed' AND "
                        "json_extract(l.metadata, '$.fix_attempt_id') = f.id)"),
              std::vector<std::string>{"0"});
  }

  // The same file serves again, and a retry of an acknowledged report is already billed.
  process::ServerOptions again;
  again.executable = sandbox_binary();
  again.args = {"serve", "--listen", "127.0.0.1:0", "--db", db_path, "--webhook-secret", sb->secret()};
  again.stderr_file = (sb->dir() / "restart-stderr.txt").string();
  auto restarted = process::ServerProcess::start(again);
  HttpConnection connection(restarted.port());
  // Retry a report the server acknowledged before the kill (on a loaded machine a worker's first
  // request may have timed out unacknowledged, so not a hard-coded one).
  const auto& first = acked.front();
  const json retry = {
      {"github_org", "crash"}, {"repo_name", first.repo}, {"pr_number", first.pr}, {"commit_sha", "abcdef1234567"}};
  const auto reply = connection.send("POST", "/api/v1/fix-deployments", retry.dump(), {{"x-api-key", keys[first.key]}});
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().value("outcome", ""), "already_billed");
  EXPECT_EQ(restarted.stop(), 0);
}

}  // namespace
}  // namespace rsolv::sandbox
