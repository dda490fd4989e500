#pragma once
// The Stripe event catalogue: templates of the objects a subscription business receives (customer,
// payment_method, subscription, invoice, payment_intent, charge, dispute, setup_intent, credit_note,
// checkout.session) in the shapes of API version 2025-10-29.clover, and the events built from them. One source for rsolv-webhook-sim, rsolv-loadgen and the tests.
//
// Templates are data (harness/stripe/events/templates/*.json, compiled in): string values of the
// form "{{name}}" are variables. An event is built from three layers of variables, later ones win:
//   catalogue defaults  <  the event type's own values (e.g. invoice.created: status draft)  <  yours.
// Ids and times you leave out are generated (ids: prefix + 24 base62 characters from the Random you
// pass, so a fixed seed gives the same bytes). For the events of one flow to share their cus_/sub_/
// in_/pm_ ids, build them all from one flow_vars() result.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/random.hpp"

namespace rsolv::stripe::events {

// The API version every built event and object carries.
std::string_view api_version();

struct EventInfo {
  std::string type;         // "invoice.payment_succeeded"
  std::string object;       // "invoice": the template data.object is built from
  std::string description;  // one line, for --help and docs
};

// Every event type the catalogue can build, sorted by type.
const std::vector<EventInfo>& catalogue();

// The catalogue grouped by the object its events are about, in the order a subscription's life
// meets them (customer, payment_method, subscription, checkout.session, invoice, payment_intent,
// charge, dispute, setup_intent, credit_note); within a group, sorted by type.
struct EventGroup {
  std::string object;
  std::vector<EventInfo> events;
};
std::vector<EventGroup> catalogue_by_object();
// nullptr when unknown.
const EventInfo* find_event(std::string_view type);

// The one rule for an amount (the `amount` variable, `--amount`, `--var amount=`): a whole number of
// cents from 0 to 99999999 ($999,999.99, the most Stripe charges in one payment). Returns it, or
// throws rsolv::UsageError "WHAT must be a whole number of cents from 0 to 99999999 ..., not VALUE".
inline constexpr std::int64_t kMaxAmountCents = 99'999'999;
std::int64_t checked_amount(const nlohmann::json& value, std::string_view what);

// "cus_" + 24 random base62 characters, as Stripe ids look.
std::string make_id(std::string_view prefix, Random& random);

// The ids and anchor times every event of one flow shares: customer, payment_method, subscription,
// subscription_item, invoice, invoice_line, charge, payment_intent, checkout_session,
// balance_transaction, product, setup_intent, setup_attempt, dispute, credit_note, credit_note_line,
// refund, email, invoice_prefix, card_fingerprint, client_secret_suffix, flow_start (now_unix),
// period_start/period_end, customer_created, subscription_created, invoice_created. Override any of
// them before building. A time variable may also be "{{another_time_variable}}".
nlohmann::json flow_vars(Random& random, std::int64_t now_unix);

// Builds one event envelope: {"id":"evt_...","object":"event","api_version":...,"created":...,
// "data":{"object":{...},"previous_attributes"?:{...}},"livemode":false,"pending_webhooks":1,
// "request":{"id":null,"idempotency_key":null},"type":...}.
// `vars` is a JSON object of variables (see variable_names()); besides template variables it may
// hold "event_id", "created" (unix seconds; default clock.unix_seconds()) and "previous_attributes"
// (an object replacing the event type's own, or null to drop it).
// Throws rsolv::UsageError for an unknown type (naming the known ones), a variable name that no
// template knows, or a variable that refers to itself.
nlohmann::json build_event(std::string_view type, const nlohmann::json& vars, Random& random,
                           const Clock& clock = SystemClock::instance());

// Builds just the data.object of an event type (same variables).
nlohmann::json build_object(std::string_view type, const nlohmann::json& vars, Random& random,
                            const Clock& clock = SystemClock::instance());

// The raw template of an object type ("invoice"), variables unresolved. Throws for an unknown one.
const nlohmann::json& object_template(std::string_view object);
std::vector<std::string> object_types();

// Every variable name build_event() understands, sorted.
std::vector<std::string> variable_names();

// The body as Stripe sends it: pretty-printed with two spaces (compact when pretty is false).
std::string render(const nlohmann::json& event, bool pretty = true);

}  // namespace rsolv::stripe::events
