#include "rsolv/stripe/events/catalogue.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "embedded_data.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/strings.hpp"
#include "variables.hpp"

namespace rsolv::stripe::events {

std::int64_t checked_amount(const nlohmann::json& value, std::string_view what) {
  // An unsigned above INT64_MAX or a float (20 digits parse as one) is out of range too.
  const bool whole = value.is_number_integer() && !(value.is_number_unsigned() && value.get<std::uint64_t>() > kMaxAmountCents);
  if (whole && value.get<std::int64_t>() >= 0 && value.get<std::int64_t>() <= kMaxAmountCents) return value.get<std::int64_t>();
  auto shown = value.is_string() ? value.get<std::string>() : value.dump();
  if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
  throw UsageError(std::string(what) + " must be a whole number of cents from 0 to " + std::to_string(kMaxAmountCents) +
                   " ($999,999.99, Stripe's largest amount), not " + shown);
}

namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;
// Stripe bills monthly on calendar months; 30 days is close enough for a simulator.
constexpr std::int64_t kPeriod = 30 * kDay;
constexpr std::size_t kIdLength = 24;

struct EventSpec {
  EventInfo info;
  nlohmann::json vars = nlohmann::json::object();
  nlohmann::json previous_attributes;  // null when the event carries none
};

struct Data {
  std::string api_version;
  nlohmann::json defaults;
  std::map<std::string, nlohmann::json, std::less<>> templates;
  std::map<std::string, EventSpec, std::less<>> events;
  std::vector<EventInfo> infos;
};

const Data& data() {
  static const Data loaded = [] {
    Data out;
    for (const auto& [name, text] : detail::embedded_files()) {
      auto json = nlohmann::json::parse(text);
      if (name == "events") {
        out.api_version = json.at("api_version").get<std::string>();
        out.defaults = json.at("defaults");
        for (const auto& [type, spec] : json.at("events").items()) {
          EventSpec event;
          event.info = {type, spec.at("object").get<std::string>(), spec.value("description", "")};
          if (spec.contains("vars")) event.vars = spec.at("vars");
          if (spec.contains("previous_attributes")) event.previous_attributes = spec.at("previous_attributes");
          out.events.emplace(type, std::move(event));
        }
      } else {
        out.templates.emplace(std::string(name), std::move(json));
      }
    }
    for (const auto& [type, spec] : out.events) out.infos.push_back(spec.info);
    return out;
  }();
  return loaded;
}

const EventSpec& event_spec(std::string_view type) {
  const auto& events = data().events;
  const auto it = events.find(type);
  if (it == events.end()) {
    std::string known;
    for (const auto& [name, spec] : events) known += (known.empty() ? "" : ", ") + name;
    throw UsageError("unknown Stripe event type '" + std::string(type) + "'; the catalogue has: " + known);
  }
  return it->second;
}

std::string dollars(std::int64_t cents) {
  const auto whole = cents / 100;
  const auto rest = cents % 100 < 0 ? -(cents % 100) : cents % 100;
  return std::to_string(whole) + "." + (rest < 10 ? "0" : "") + std::to_string(rest);
}

void set_default(nlohmann::json& vars, const std::string& name, nlohmann::json value) {
  if (!vars.contains(name)) vars[name] = std::move(value);
}

// A time variable's unix seconds: an integer, or "{{other}}" naming another time variable (a flow
// file can say `dispute_created: "{{flow_start}}"`), followed a bounded number of steps.
std::int64_t time_var(const nlohmann::json& vars, const std::string& name) {
  constexpr int kMaxHops = 16;
  std::string current = name;
  for (int hop = 0; hop <= kMaxHops; ++hop) {
    const auto it = vars.find(current);
    if (it == vars.end()) {
      throw UsageError("unknown template variable '" + current + "' used by time variable '" + name + "'");
    }
    if (it->is_number_integer()) return it->get<std::int64_t>();
    const auto next = it->is_string() ? detail::whole_reference(it->get_ref<const std::string&>()) : std::nullopt;
    if (!next) {
      throw UsageError("variable '" + current + "' must be unix seconds or another time variable such as "
                       "\"{{created}}\", got " + it->dump());
    }
    current = *next;
  }
  throw UsageError("time variable '" + name + "' refers to itself; give it a plain value");
}

// Ids every object may reference, generated in a fixed order so a seed gives the same ids.
void add_ids(nlohmann::json& vars, Random& random) {
  static const std::pair<const char*, const char*> ids[] = {
      {"customer", "cus_"},         {"payment_method", "pm_"},   {"subscription", "sub_"},
      {"subscription_item", "si_"}, {"invoice", "in_"},          {"invoice_line", "il_"},
      {"charge", "ch_"},            {"payment_intent", "pi_"},    {"checkout_session", "cs_test_"},
      {"balance_transaction", "txn_"}, {"product", "prod_"}};
  for (const auto& [name, prefix] : ids) {
    if (!vars.contains(name)) vars[name] = make_id(prefix, random);
  }
  if (!vars.contains("email")) vars["email"] = "customer-" + random.hex(8) + "@example.com";
  if (!vars.contains("invoice_prefix")) {
    vars["invoice_prefix"] = to_upper(random.hex(8));
  }
  if (!vars.contains("card_fingerprint")) vars["card_fingerprint"] = random.base62(16);
  if (!vars.contains("network_transaction_id")) {
    vars["network_transaction_id"] = std::to_string(random.uniform(100000000000000, 999999999999999));
  }
  // Drawn after the ones above, so a seed still gives the ids it gave before these existed.
  static const std::pair<const char*, const char*> later_ids[] = {
      {"setup_intent", "seti_"}, {"setup_attempt", "setatt_"}, {"dispute", "dp_"},
      {"credit_note", "cn_"},    {"credit_note_line", "cnli_"}, {"refund", "re_"}};
  for (const auto& [name, prefix] : later_ids) {
    if (!vars.contains(name)) vars[name] = make_id(prefix, random);
  }
  if (!vars.contains("client_secret_suffix")) vars["client_secret_suffix"] = random.base62(kIdLength + 1);
}

// Times derived from `created` and the period, unless given.
void add_times(nlohmann::json& vars, const Clock& clock) {
  set_default(vars, "created", clock.unix_seconds());
  const auto created = time_var(vars, "created");
  set_default(vars, "flow_start", created);
  set_default(vars, "period_start", created);
  const auto period_start = time_var(vars, "period_start");
  set_default(vars, "period_end", period_start + kPeriod);
  // The period after the current one: what invoice.upcoming bills, and a trial's first paid period.
  const auto period_end = time_var(vars, "period_end");
  set_default(vars, "next_period_start", period_end);
  set_default(vars, "next_period_end", period_end + kPeriod);
  for (const char* name : {"customer_created", "subscription_created", "price_created", "invoice_period_start",
                           "invoice_period_end"}) {
    set_default(vars, name, period_start);
  }
  for (const char* name : {"invoice_created", "checkout_created"}) set_default(vars, name, created);
  set_default(vars, "plus_1h", created + kHour);
  set_default(vars, "plus_1d", created + kDay);
  set_default(vars, "plus_3d", created + 3 * kDay);
  set_default(vars, "plus_7d", created + 7 * kDay);
  set_default(vars, "checkout_expires_at", created + kDay);
  // Evidence is due a week after the dispute opened, also in the event that closes it.
  if (vars.contains("dispute_created")) set_default(vars, "dispute_due_by", time_var(vars, "dispute_created") + 7 * kDay);
}

// catalogue defaults < event type's values < caller's, then ids, times and derived amounts.
nlohmann::json merged_vars(const EventSpec& spec, const nlohmann::json& user, Random& random, const Clock& clock) {
  if (!user.is_null() && !user.is_object()) throw UsageError("event variables must be a JSON object");
  auto vars = data().defaults;
  for (const auto& [name, value] : spec.vars.items()) vars[name] = value;
  if (user.is_object()) {
    for (const auto& [name, value] : user.items()) vars[name] = value;
  }
  add_ids(vars, random);
  add_times(vars, clock);
  // References are resolved as the template is filled, only those it uses: resolving all of them
  // (about 90, several whole objects) for every event cost a third of the build.
  const auto amount = checked_amount(detail::substitute(vars.at("amount"), vars, "variable 'amount'"), "variable 'amount'");
  set_default(vars, "amount_decimal", std::to_string(amount));
  set_default(vars, "amount_dollars", dollars(amount));
  return vars;
}

void check_names(const nlohmann::json& user) {
  if (!user.is_object()) return;
  static const std::set<std::string, std::less<>> extra = {"event_id", "previous_attributes", "request_id",
                                                           "idempotency_key", "pending_webhooks"};
  const auto names = variable_names();
  for (const auto& [name, value] : user.items()) {
    if (extra.contains(name) || std::binary_search(names.begin(), names.end(), name)) continue;
    throw UsageError("unknown event variable '" + name + "'; see `rsolv-webhook-sim vars` for the list");
  }
}

}  // namespace

std::string_view api_version() { return data().api_version; }

const std::vector<EventInfo>& catalogue() { return data().infos; }

std::vector<EventGroup> catalogue_by_object() {
  static const std::vector<std::string_view> order = {"customer",       "payment_method", "subscription",
                                                      "checkout.session", "invoice",      "payment_intent",
                                                      "charge",         "dispute",        "setup_intent",
                                                      "credit_note"};
  const auto rank = [](std::string_view object) {
    return static_cast<std::size_t>(std::find(order.begin(), order.end(), object) - order.begin());
  };
  std::vector<EventGroup> groups;
  for (const auto& info : catalogue()) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const EventGroup& g) { return g.object == info.object; });
    if (it == groups.end()) it = groups.insert(groups.end(), EventGroup{info.object, {}});
    it->events.push_back(info);
  }
  // Objects outside the list (a template added later) follow it, alphabetically.
  std::stable_sort(groups.begin(), groups.end(), [&](const EventGroup& a, const EventGroup& b) {
    return std::pair(rank(a.object), a.object) < std::pair(rank(b.object), b.object);
  });
  return groups;
}

const EventInfo* find_event(std::string_view type) {
  const auto& events = data().events;
  const auto it = events.find(type);
  return it == events.end() ? nullptr : &it->second.info;
}

std::string make_id(std::string_view prefix, Random& random) { return std::string(prefix) + random.base62(kIdLength); }

nlohmann::json flow_vars(Random& random, std::int64_t now_unix) {
  nlohmann::json vars = nlohmann::json::object();
  add_ids(vars, random);
  vars["flow_start"] = now_unix;
  vars["period_start"] = now_unix;
  vars["period_end"] = now_unix + kPeriod;
  vars["customer_created"] = now_unix;
  vars["subscription_created"] = now_unix;
  vars["invoice_created"] = now_unix;
  return vars;
}

nlohmann::json build_object(std::string_view type, const nlohmann::json& vars, Random& random, const Clock& clock) {
  check_names(vars);
  const auto& spec = event_spec(type);
  const auto resolved = merged_vars(spec, vars, random, clock);
  return detail::substitute(object_template(spec.info.object), resolved, "the " + spec.info.object + " template");
}

nlohmann::json build_event(std::string_view type, const nlohmann::json& vars, Random& random, const Clock& clock) {
  check_names(vars);
  const auto& spec = event_spec(type);
  // The event id is drawn first so it does not depend on which other ids the caller supplied.
  const auto event_id = vars.is_object() && vars.contains("event_id") ? vars.at("event_id") : nlohmann::json(make_id("evt_", random));
  const auto resolved = merged_vars(spec, vars, random, clock);
  nlohmann::json data_node = nlohmann::json::object();
  data_node["object"] = detail::substitute(object_template(spec.info.object), resolved, "the " + spec.info.object + " template");
  auto previous = spec.previous_attributes;
  if (vars.is_object() && vars.contains("previous_attributes")) previous = vars.at("previous_attributes");
  if (!previous.is_null()) {
    data_node["previous_attributes"] = detail::substitute(previous, resolved, "previous_attributes of " + spec.info.type);
  }
  const auto value_of = [&](const char* name) { return detail::substitute(resolved.at(name), resolved, name); };
  nlohmann::json request = {{"id", nullptr}, {"idempotency_key", nullptr}};
  if (resolved.contains("request_id")) request["id"] = value_of("request_id");
  if (resolved.contains("idempotency_key")) request["idempotency_key"] = value_of("idempotency_key");
  return {{"id", event_id},
          {"object", "event"},
          {"api_version", data().api_version},
          {"created", value_of("created")},
          {"data", std::move(data_node)},
          {"livemode", false},
          {"pending_webhooks", resolved.contains("pending_webhooks") ? value_of("pending_webhooks") : nlohmann::json(1)},
          {"request", std::move(request)},
          {"type", spec.info.type}};
}

const nlohmann::json& object_template(std::string_view object) {
  const auto& templates = data().templates;
  const auto it = templates.find(object);
  if (it == templates.end()) throw UsageError("no template for Stripe object '" + std::string(object) + "'");
  return it->second;
}

std::vector<std::string> object_types() {
  std::vector<std::string> out;
  for (const auto& [name, value] : data().templates) out.push_back(name);
  return out;
}

std::vector<std::string> variable_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, value] : data().templates) detail::collect_references(value, out);
    for (const auto& [name, value] : data().defaults.items()) {
      out.push_back(name);
      detail::collect_references(value, out);
    }
    for (const auto& [type, spec] : data().events) {
      for (const auto& [name, value] : spec.vars.items()) out.push_back(name);
      detail::collect_references(spec.vars, out);
      detail::collect_references(spec.previous_attributes, out);
    }
    for (const char* name : {"created", "period_start", "period_end", "customer_created", "subscription_created",
                             "price_created", "invoice_period_start", "invoice_period_end", "invoice_created",
                             "checkout_created", "plus_1h", "plus_1d", "plus_3d", "plus_7d", "checkout_expires_at",
                             "network_transaction_id", "amount_decimal", "amount_dollars", "flow_start",
                             "next_period_start", "next_period_end", "dispute_due_by", "setup_intent",
                             "setup_attempt", "dispute", "credit_note", "credit_note_line", "refund",
                             "client_secret_suffix"}) {
      out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return names;
}

std::string render(const nlohmann::json& event, bool pretty) { return pretty ? event.dump(2) : event.dump(); }

}  // namespace rsolv::stripe::events
