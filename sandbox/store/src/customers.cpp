#include "operations.hpp"

namespace rsolv::sandbox::ops {

namespace {
constexpr std::string_view kColumns =
    "id, name, email, credit_balance, subscription_type, subscription_state, cancel_at_period_end, has_billing, "
    "billing_added_granted, payment_method, stripe_customer_id, stripe_subscription_id, created_at";

Customer read_row(const Statement& row) {
  Customer c;
  c.id = row.int64(0);
  c.name = row.text(1);
  c.email = row.text(2);
  c.credit_balance = row.int64(3);
  // The schema's CHECKs admit only the values these parse.
  c.subscription_type = parse_subscription_type(row.text(4)).value_or(SubscriptionType::trial);
  if (const auto state = row.optional_text(5)) c.subscription_state = parse_subscription_state(*state);
  c.cancel_at_period_end = row.int64(6) != 0;
  c.has_billing = row.int64(7) != 0;
  c.billing_added_granted = row.int64(8) != 0;
  c.payment_method = row.optional_text(9);
  c.stripe_customer_id = row.optional_text(10);
  c.stripe_subscription_id = row.optional_text(11);
  c.created_at = row.int64(12);
  return c;
}

}  // namespace

std::optional<Customer> load_customer(Connection& db, std::int64_t id) {
  Statement query(db, "SELECT " + std::string(kColumns) + " FROM customers WHERE id = ?1");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return read_row(query);
}

std::optional<Customer> find_by_stripe_id(Connection& db, std::string_view stripe_customer_id) {
  Statement query(db, "SELECT " + std::string(kColumns) + " FROM customers WHERE stripe_customer_id = ?1");
  query.bind(1, stripe_customer_id);
  if (!query.step()) return std::nullopt;
  return read_row(query);
}

std::int64_t insert_customer(Env& env, const std::string& name, const std::string& email, const std::string& key_hash) {
  Statement insert(env.db,
                   "INSERT INTO customers (name, email, api_key_sha256, created_at) VALUES (?1, ?2, ?3, ?4)");
  insert.bind(1, name).bind(2, email).bind(3, key_hash).bind(4, env.now()).run();
  return env.db.last_insert_id();
}

void update_subscription(Connection& db, std::int64_t customer_id, SubscriptionType type,
                         std::optional<SubscriptionState> state, bool cancel_at_period_end,
                         const std::optional<std::string>& subscription_id) {
  Statement update(db,
                   "UPDATE customers SET subscription_type = ?1, subscription_state = ?2, cancel_at_period_end = ?3, "
                   "stripe_subscription_id = ?4 WHERE id = ?5");
  update.bind(1, to_string(type));
  if (state) {
    update.bind(2, to_string(*state));
  } else {
    update.bind_null(2);
  }
  update.bind(3, cancel_at_period_end).bind(4, subscription_id).bind(5, customer_id).run();
}

std::int64_t append_ledger(Env& env, std::int64_t customer_id, std::int64_t amount, LedgerSource source,
                           const nlohmann::json& metadata) {
  Statement update(env.db, "UPDATE customers SET credit_balance = credit_balance + ?1 WHERE id = ?2 RETURNING credit_balance");
  update.bind(1, amount).bind(2, customer_id);
  if (!update.step()) throw Error("ledger: customer " + std::to_string(customer_id) + " does not exist");
  const auto balance = update.int64(0);
  update.run();
  Statement insert(env.db,
                   "INSERT INTO credit_ledger (customer_id, amount, balance_after, source, metadata, created_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, customer_id).bind(2, amount).bind(3, balance).bind(4, to_string(source));
  insert.bind(5, metadata.dump()).bind(6, env.now());
  insert.run();
  if (amount > 0) env.delta.grant(source, amount);
  if (amount < 0) env.delta.counts.credits_consumed += -amount;
  return balance;
}

}  // namespace rsolv::sandbox::ops
