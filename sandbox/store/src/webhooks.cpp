// POST /api/webhooks/stripe: verified, applied at most once per event id, in one transaction.
#include <initializer_list>
#include <set>
#include <string_view>
#include <utility>
#include <variant>

#include "operations.hpp"
#include "rsolv/sandbox/platform.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::sandbox {

using namespace ops;

namespace {

const std::set<std::string>& handled_types() {
  static const std::set<std::string> types = {
      "invoice.payment_succeeded",       "invoice.payment_failed",        "customer.subscription.created",
      "customer.subscription.updated",   "customer.subscription.deleted", "payment_method.attached",
      "payment_method.detached"};
  return types;
}

// Stripe marks many fields nullable and versions change shapes: a missing, null or differently
// typed field reads as absent instead of throwing, so a validly signed but unusual event never
// turns into a 500 that Stripe would retry for days.
const nlohmann::json* field(const nlohmann::json& object, std::initializer_list<std::string_view> path) {
  const nlohmann::json* node = &object;
  for (auto key : path) {
    if (!node->is_object()) return nullptr;
    const auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

std::optional<std::string> string_field(const nlohmann::json& object, std::initializer_list<std::string_view> path) {
  const auto* node = field(object, path);
  if (!node || !node->is_string()) return std::nullopt;
  return node->get<std::string>();
}

bool true_field(const nlohmann::json& object, std::string_view key) {
  const auto* node = field(object, {key});
  return node && node->is_boolean() && node->get<bool>();
}

nlohmann::json nullable(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// `customer` is an id, or (when a sender expanded it) the customer object itself.
std::optional<std::string> customer_reference(const nlohmann::json* value) {
  if (!value) return std::nullopt;
  if (value->is_string()) return value->get<std::string>();
  return string_field(*value, {"id"});
}

std::optional<std::string> stripe_customer_of(const std::string& type, const nlohmann::json& data) {
  const auto& object = data.at("object");
  if (auto id = customer_reference(field(object, {"customer"}))) return id;
  // payment_method.detached: Stripe has already cleared object.customer by the time it sends the
  // event; the former owner is in previous_attributes.customer.
  if (auto id = customer_reference(field(data, {"previous_attributes", "customer"}))) return id;
  if (type.starts_with("customer.") && !type.starts_with("customer.subscription")) return string_field(object, {"id"});
  return std::nullopt;
}

// Reads the price of every line item from pricing.price_details.price (API 2025-03-31 and later).
// The legacy plan.id / price.id fields are deliberately not read: the platform once lost Pro credits
// by reading them after Stripe moved the field.
bool has_pro_line(const nlohmann::json& invoice, const std::string& pro_price_id) {
  const auto* lines = field(invoice, {"lines", "data"});
  if (!lines || !lines->is_array()) return false;
  for (const auto& line : *lines) {
    if (string_field(line, {"pricing", "price_details", "price"}) == pro_price_id) return true;
  }
  return false;
}

// Stripe's subscription status as the platform keeps it: its own states, and two Stripe ones mapped.
std::optional<SubscriptionState> subscription_state(const nlohmann::json& subscription) {
  const auto status = string_field(subscription, {"status"}).value_or("");
  if (auto known = parse_subscription_state(status)) return known;
  if (status == "unpaid") return SubscriptionState::past_due;
  if (status == "incomplete_expired") return SubscriptionState::canceled;
  return std::nullopt;
}

std::optional<std::string> subscription_id_of(const nlohmann::json& subscription, const Customer& customer) {
  auto id = string_field(subscription, {"id"});
  return id ? id : customer.stripe_subscription_id;
}

std::optional<std::int64_t> event_created(const nlohmann::json& event) {
  const auto it = event.find("created");
  if (it == event.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// The subscription a state-setting event concerns: the subscription object itself, or the
// invoice's parent (API 2025-03-31 and later) or legacy `subscription` field; else the customer's.
std::optional<std::string> concerned_subscription(const std::string& type, const nlohmann::json& object,
                                                  const Customer& customer) {
  std::optional<std::string> id;
  if (type.starts_with("customer.subscription.")) {
    id = string_field(object, {"id"});
  } else {
    id = string_field(object, {"parent", "subscription_details", "subscription"});
    if (!id) id = string_field(object, {"subscription"});
  }
  return id ? id : customer.stripe_subscription_id;
}

// Stripe does not order deliveries, and its guidance is not to rely on order. An event may set a
// subscription's state unless the subscription was deleted (terminal), a newer event (by
// event.created; ties go to arrival order) was applied already, or it is a late
// customer.subscription.created for a subscription already seen: created is always the first
// event of a subscription's life, so anything applied before it is newer.
bool may_set_state(const SubscriptionTimeline& timeline, const std::string& type, std::optional<std::int64_t> created) {
  if (!timeline.known) return true;
  if (timeline.deleted || type == "customer.subscription.created") return false;
  return !created || *created >= timeline.last_event_created;
}

// Applies one event to one customer; returns false when the event needed no change (ignored).
bool apply(Env& env, const std::string& type, const nlohmann::json& event, const Customer& customer) {
  const auto& object = event.at("data").at("object");
  if (type == "payment_method.attached") {
    attach_billing(env, customer, string_field(object, {"id"}).value_or("pm_unknown"));
    return true;
  }
  if (type == "payment_method.detached") {
    Statement update(env.db, "UPDATE customers SET has_billing = 0, payment_method = NULL WHERE id = ?1");
    update.bind(1, customer.id).run();
    return true;
  }

  // The remaining types set the subscription state, each through its subscription's timeline.
  const auto subscription = concerned_subscription(type, object, customer);
  const auto created = event_created(event);
  const auto timeline = subscription ? load_timeline(env.db, *subscription) : SubscriptionTimeline{};
  const bool current = may_set_state(timeline, type, created);
  const auto record = [&](bool deleted) {
    if (subscription) advance_timeline(env.db, customer.id, *subscription, created, deleted);
  };
  if (type == "invoice.payment_succeeded") {
    if (!has_pro_line(object, env.config.pro_price_id)) return false;
    // The payment was collected, so its credits are granted in any order; only the state waits.
    append_ledger(env, customer.id, kProInvoiceCredits, LedgerSource::pro_subscription_payment,
                  {{"invoice", nullable(string_field(object, {"id"}))},
                   {"billing_reason", nullable(string_field(object, {"billing_reason"}))}});
    if (!current) return true;
    // The invoice can arrive before customer.subscription.created: then it is the first place the
    // subscription id is seen.
    update_subscription(env.db, customer.id, SubscriptionType::pro, SubscriptionState::active, customer.cancel_at_period_end,
                        customer.stripe_subscription_id ? customer.stripe_subscription_id : subscription);
    record(false);
    return true;
  }
  if (type == "customer.subscription.deleted") {
    if (timeline.deleted) return false;
    // Back to pay-as-you-go; credits already granted are kept. Deletion is final in any order.
    update_subscription(env.db, customer.id, SubscriptionType::pay_as_you_go, std::nullopt, false, std::nullopt);
    record(true);
    return true;
  }
  if (!current) return false;
  if (type == "invoice.payment_failed") {
    update_subscription(env.db, customer.id, customer.subscription_type, SubscriptionState::past_due,
                        customer.cancel_at_period_end, customer.stripe_subscription_id);
  } else {  // customer.subscription.created / .updated
    update_subscription(env.db, customer.id, SubscriptionType::pro, subscription_state(object),
                        true_field(object, "cancel_at_period_end"),
                        subscription_id_of(object, customer));
  }
  record(false);
  return true;
}

// Counts a delivery under its event type and outcome (a WebhookOutcome, or the refusal's code).
void count(CounterDelta& delta, const std::string& type, std::string_view outcome) {
  delta.counts.webhooks[{type, std::string(outcome)}] += 1;
}

// A signed body read as a Stripe event: the fields every step below relies on, and the whole event.
struct Event {
  std::string id;
  std::string type;
  nlohmann::json json;
};

// The event in a body whose signature verified, or the refusal: not a JSON object, or no id,
// type and data.object.
std::variant<Event, Failure> parse_event(std::string_view raw_body) {
  auto parsed = parse_object(raw_body);
  if (auto* error = std::get_if<Failure>(&parsed)) return *error;
  auto& event = std::get<nlohmann::json>(parsed);
  if (!event.contains("id") || !event["id"].is_string() || !event.contains("type") || !event["type"].is_string() ||
      !event.contains("data") || !event["data"].is_object() || !event["data"].contains("object") ||
      !event["data"]["object"].is_object()) {
    return failure(FailureKind::malformed, ErrorCode::invalid_event, "A Stripe event needs id, type and data.object.");
  }
  auto id = event["id"].get<std::string>();
  auto type = event["type"].get<std::string>();
  return Event{std::move(id), std::move(type), std::move(event)};
}

// Records the event id as processed; false when the id was recorded before (a duplicate delivery).
// Recording the id first makes a concurrent duplicate fail on the primary key before any effect.
bool record_first_delivery(Env& env, const Event& event, const std::optional<Customer>& customer) {
  try {
    Statement record(env.db,
                     "INSERT INTO webhook_events (id, type, customer_id, outcome, received_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    record.bind(1, event.id).bind(2, event.type);
    if (customer) {
      record.bind(3, customer->id);
    } else {
      record.bind_null(3);
    }
    record.bind(4, to_string(WebhookOutcome::processed)).bind(5, env.now()).run();
  } catch (const DatabaseError& error) {
    if (!error.is_unique_violation()) throw;
    return false;
  }
  return true;
}

void mark_ignored(Connection& db, const std::string& event_id) {
  Statement mark(db, "UPDATE webhook_events SET outcome = ?1 WHERE id = ?2");
  mark.bind(1, to_string(WebhookOutcome::ignored)).bind(2, event_id).run();
}

// Delivers a verified event in the caller's transaction: dedupe, then apply it to its customer.
// An event of a handled type for a customer the platform does not know is refused and not
// recorded, so Stripe's retry succeeds once the customer exists.
std::variant<WebhookOutcome, Failure> deliver(Env& env, const Event& event) {
  const bool handled = handled_types().contains(event.type);
  std::optional<Customer> customer;
  if (handled) {
    const auto stripe_customer = stripe_customer_of(event.type, event.json["data"]);
    if (stripe_customer) customer = find_by_stripe_id(env.db, *stripe_customer);
    if (!customer) {
      return failure(FailureKind::invalid, ErrorCode::unknown_customer, "No customer with this Stripe customer id (yet).");
    }
  }
  if (!record_first_delivery(env, event, customer)) return WebhookOutcome::duplicate;
  if (handled && apply(env, event.type, event.json, *customer)) return WebhookOutcome::processed;
  mark_ignored(env.db, event.id);
  return WebhookOutcome::ignored;
}

}  // namespace

Result<WebhookReceipt> Platform::stripe_webhook(std::string_view raw_body, std::string_view signature_header) {
  const auto verdict = stripe::verify(signature_header, raw_body, config_.webhook_secrets, clock_.unix_seconds(),
                                      config_.webhook_tolerance_seconds);
  if (!verdict.ok()) {
    CounterDelta refused;
    count(refused, "unknown", to_string(ErrorCode::invalid_signature));
    add_counters(refused.counts);
    return failure(FailureKind::unauthenticated, ErrorCode::invalid_signature, "Invalid Stripe signature: " + verdict.reason);
  }
  auto parsed = parse_event(raw_body);
  if (auto* error = std::get_if<Failure>(&parsed)) return *error;
  const auto& event = std::get<Event>(parsed);
  CounterDelta delta;
  auto db = pool_->acquire();
  Env env{*db, config_, clock_, delta};
  Transaction transaction(*db);
  const auto delivered = deliver(env, event);
  if (const auto* refused = std::get_if<Failure>(&delivered)) {
    count(delta, event.type, to_string(refused->code));
    add_counters(delta.counts);
    return *refused;
  }
  const auto outcome = std::get<WebhookOutcome>(delivered);
  // A duplicate changed nothing: its transaction rolls back.
  if (outcome != WebhookOutcome::duplicate) transaction.commit();
  count(delta, event.type, to_string(outcome));
  add_counters(delta.counts);
  return WebhookReceipt{outcome};
}

}  // namespace rsolv::sandbox
