// Races (OWASP API6:2023): `copies` identical requests (a fix report, a signed invoice webhook)
// released together on pre-opened connections must move the account exactly as one request does.
// One request is sent alone first, as the control that measures one effect; a burst that moves
// the watched number further is confirmed by a second burst before it is reported.
#include <cstdlib>
#include <map>

#include "declared_request.hpp"
#include "probe_events.hpp"
#include "rsolv/security/suite.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::security {

namespace {

struct Burst {
  std::int64_t moved = 0;
  std::string statuses;  // "1x 201, 19x 200"
  std::vector<Exchange> exchanges;
};

class RaceSuite final : public Suite {
 public:
  std::string_view name() const override { return "race"; }
  std::string_view description() const override {
    return "identical requests released together (single-packet style) take effect once";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    for (const auto& entry : context.target.race) {
      results.push_back(run_check(context, name(),
                                  entry.name + ": " + std::to_string(entry.copies) + " concurrent copies take effect once",
                                  [&](std::string& detail) { return probe_entry(context, entry, detail); }));
    }
    return results;
  }

 private:
  // The Stripe customer a raced invoice is for: read once per check, it does not change.
  static nlohmann::json invoice_customer(SuiteContext& context, const RaceTarget& entry) {
    const auto account = context.probe.send_json("GET", entry.watch.path, nullptr, &context.target.api_key);
    const auto customer = find_field(nlohmann::json::parse(account.response.body, nullptr, false), "stripe_customer_id");
    if (!customer || !customer->is_string()) {
      throw NoAnswer("the api_key's customer has no stripe_customer_id (GET " + entry.watch.path +
                     "): add billing to race its invoices");
    }
    return *customer;
  }

  // The request of one sample: the declared one with a fresh marker, or a freshly signed invoice
  // for `customer`.
  static PreparedRequest request_for(const SuiteContext& context, const RaceTarget& entry, const nlohmann::json& customer,
                                     Random& random) {
    const auto& target = context.target;
    if (entry.request) return prepare(*entry.request, target.api_key, Placeholders{new_marker(random), nullptr, {}});
    const auto hook = target.webhook.value_or(WebhookTarget{});
    PreparedRequest request;
    request.method = "POST";
    request.path = hook.path;
    request.body = pro_invoice_event(random, customer, hook.pro_price_id).dump();
    request.headers = {{"Content-Type", "application/json"},
                       {"Stripe-Signature", stripe::sign(target.webhook_secret, now_unix(), request.body)}};
    return request;
  }

  Burst burst(SuiteContext& context, const RaceTarget& entry, const PreparedRequest& request) {
    auto& probe = context.probe;
    Burst out;
    const auto before = read_watch(probe, entry.watch, context.target.api_key);
    out.exchanges = probe.burst(request.method, request.path, request.headers, request.body, entry.copies);
    out.moved = read_watch(probe, entry.watch, context.target.api_key) - before;
    std::map<long, int> by_status;
    for (const auto& exchange : out.exchanges) ++by_status[exchange.response.status];
    for (const auto& [status, count] : by_status) {
      out.statuses += (out.statuses.empty() ? "" : ", ") + std::to_string(count) + "x " +
                      (status == 0 ? std::string("no answer") : std::to_string(status));
    }
    if (by_status.size() == 1 && by_status.begin()->first == 0) {
      throw NoAnswer("none of the " + std::to_string(entry.copies) + " concurrent copies got an answer: " +
                     out.exchanges.front().transport_error);
    }
    return out;
  }

  std::vector<Finding> probe_entry(SuiteContext& context, const RaceTarget& entry, std::string& detail) {
    std::vector<Finding> findings;
    auto& probe = context.probe;
    Random random;
    const auto& field = entry.watch.field;
    const auto customer = entry.request ? nlohmann::json() : invoice_customer(context, entry);
    // The control: one request alone measures what one effect is.
    const auto before = read_watch(probe, entry.watch, context.target.api_key);
    const auto single = send_prepared(probe, request_for(context, entry, customer, random));
    const auto one = read_watch(probe, entry.watch, context.target.api_key) - before;
    if (!accepted(single)) {
      throw NoAnswer("a single request (the control) answered " + std::to_string(single.response.status) +
                     ": there is no effect to race");
    }
    if (one == 0) throw NoAnswer("a single request did not move " + field + ": the watch shows no effect to count");
    const auto first = burst(context, entry, request_for(context, entry, customer, random));
    detail = "one request moved " + field + " by " + std::to_string(one) + "; " + std::to_string(entry.copies) +
             " released together moved it by " + std::to_string(first.moved) + " (" + first.statuses + ")";
    const auto more_than_once = [one](std::int64_t moved) { return moved * one > 0 && std::abs(moved) > std::abs(one); };
    if (!more_than_once(first.moved)) return findings;
    const auto second = burst(context, entry, request_for(context, entry, customer, random));
    if (!more_than_once(second.moved)) return findings;
    const Exchange* shown = &second.exchanges.front();
    for (const auto& exchange : second.exchanges) {
      if (accepted(exchange)) shown = &exchange;
    }
    const auto route = entry.request ? entry.request->path : context.target.webhook.value_or(WebhookTarget{}).path;
    auto finding = make_finding(
        "RSOLV-RACE-001", probe.location(shown->request.method, route),
        std::to_string(entry.copies) + " identical requests released together moved " + field + " by " +
            std::to_string(second.moved) + " (" + second.statuses + "); one request moves it by " + std::to_string(one) +
            "\n" + probe.evidence(*shown),
        "Concurrent identical requests took effect " + std::to_string(second.moved / one) + " times (" + entry.name + ")");
    finding.subject = entry.name;
    findings.push_back(std::move(finding));
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_race_suite() { return std::make_unique<RaceSuite>(); }

}  // namespace rsolv::security
