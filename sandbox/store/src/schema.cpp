#include "schema.hpp"

#include <array>
#include <string_view>

namespace rsolv::sandbox {

namespace {

// Append-only list: a released migration is never edited, a change is a new entry.
constexpr std::array<std::string_view, 2> kMigrations = {
    R"sql(
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  api_key_sha256 TEXT NOT NULL UNIQUE,
  api_key_revoked INTEGER NOT NULL DEFAULT 0,
  credit_balance INTEGER NOT NULL DEFAULT 0 CHECK (credit_balance >= 0),
  subscription_type TEXT NOT NULL DEFAULT 'trial' CHECK (subscription_type IN ('trial', 'pay_as_you_go', 'pro')),
  subscription_state TEXT CHECK (subscription_state IS NULL OR subscription_state IN
                                 ('active', 'past_due', 'canceled', 'incomplete', 'trialing')),
  cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
  has_billing INTEGER NOT NULL DEFAULT 0,
  billing_added_granted INTEGER NOT NULL DEFAULT 0,
  payment_method TEXT,
  stripe_customer_id TEXT UNIQUE,
  stripe_subscription_id TEXT,
  created_at INTEGER NOT NULL
);

-- Append-only: the triggers below refuse UPDATE and DELETE; balance_after can never be negative.
CREATE TABLE credit_ledger (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  amount INTEGER NOT NULL,
  balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
  source TEXT NOT NULL CHECK (source IN ('trial_signup', 'billing_added', 'pro_subscription_payment',
                                         'purchased', 'fix_deployed', 'seed')),
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX credit_ledger_by_customer ON credit_ledger(customer_id, id);
CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE ON credit_ledger
  BEGIN SELECT RAISE(ABORT, 'credit_ledger is append-only'); END;
CREATE TRIGGER credit_ledger_no_delete BEFORE DELETE ON credit_ledger
  BEGIN SELECT RAISE(ABORT, 'credit_ledger is append-only'); END;

CREATE TABLE fix_attempts (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  github_org TEXT NOT NULL,
  repo_name TEXT NOT NULL,
  pr_number INTEGER NOT NULL CHECK (pr_number > 0),
  issue_number INTEGER,
  pr_url TEXT,
  commit_sha TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'merged')),
  billing_status TEXT NOT NULL DEFAULT 'not_billed' CHECK (billing_status IN ('not_billed', 'billed')),
  amount_cents INTEGER NOT NULL DEFAULT 0,
  merged_at TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (customer_id, github_org, repo_name, pr_number)
);

CREATE TABLE charges (
  id TEXT PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  fix_attempt_id INTEGER REFERENCES fix_attempts(id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  payment_method TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  key TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  status INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (customer_id, key)
);

CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  customer_id INTEGER REFERENCES customers(id),
  outcome TEXT NOT NULL CHECK (outcome IN ('processed', 'ignored')),
  received_at INTEGER NOT NULL
);
)sql",
    // 2: Stripe does not order deliveries. Per subscription, the `created` time of the newest event
    // applied and whether it was deleted (terminal: Stripe never revives a subscription), so a late
    // event cannot undo a newer one.
    R"sql(
CREATE TABLE stripe_subscriptions (
  id TEXT PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  last_event_created INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
)sql",
};

}  // namespace

int migrate(Connection& connection) {
  const int latest = static_cast<int>(kMigrations.size());
  // The version is read inside the write transaction, so two processes (or threads) opening the
  // same fresh file at once cannot both apply a migration: the second waits, then sees it done.
  for (;;) {
    Transaction transaction(connection);
    int version = 0;
    {
      Statement query(connection, "PRAGMA user_version");
      if (query.step()) version = static_cast<int>(query.int64(0));
    }
    if (version > latest) {
      throw Error("database schema version " + std::to_string(version) + " is newer than this rsolv-sandbox knows (" +
                  std::to_string(latest) + "); use a newer build or a fresh --db file");
    }
    if (version == latest) {
      transaction.commit();
      return latest;
    }
    connection.exec(kMigrations[static_cast<std::size_t>(version)]);
    connection.exec("PRAGMA user_version = " + std::to_string(version + 1));
    transaction.commit();
  }
}

}  // namespace rsolv::sandbox
