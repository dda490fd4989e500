// Broken object level authorization (OWASP API1:2023): the first customer (api_key) plants an
// object marked with a fresh random token; the second customer (second_api_key) then requests it
// by its id, the owner's id or its business key. A read leaks when the other customer's answer
// carries the marker or the owner's e-mail although the request did not send it (so an API that
// echoes its input is no finding); a write when the owner's watched number moves. Each positive is
// confirmed by a second sample with a new object and marker.
#include <map>

#include "declared_request.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

struct Owner {
  std::string id;
  std::string email;
};

struct Sample {
  Exchange access;
  std::string leaked;   // what of the owner's came back, empty when nothing
  std::string changed;  // "credit_balance 45 -> 44", empty when the watch did not move
};

class BolaSuite final : public Suite {
 public:
  std::string_view name() const override { return "bola"; }
  std::string_view description() const override {
    return "another customer's key can neither read nor change the first customer's objects";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    for (const auto& entry : context.target.bola) {
      results.push_back(run_check(context, name(), entry.name + ": the other customer cannot reach it",
                                  [&](std::string& detail) { return probe_entry(context, entry, detail); }));
    }
    return results;
  }

 private:
  std::map<std::string, Owner> owners_;  // by path, read once per run

  // The owner's id and e-mail, empty when the account cannot be read (only {owner.id} needs it).
  const Owner& owner(SuiteContext& context, const BolaTarget& entry) {
    if (const auto known = owners_.find(entry.owner); known != owners_.end()) return known->second;
    const auto exchange = context.probe.send_json("GET", entry.owner, nullptr, &context.target.api_key);
    const auto answer = nlohmann::json::parse(exchange.response.body, nullptr, false);
    const auto id = find_field(answer, "id");
    const auto email = find_field(answer, "email");
    Owner found;
    if (exchange.response.status == 200 && id && (id->is_string() || id->is_number())) {
      found.id = id->is_string() ? id->get<std::string>() : id->dump();
    }
    if (exchange.response.status == 200 && email && email->is_string()) found.email = email->get<std::string>();
    return owners_[entry.owner] = found;
  }

  Sample sample(SuiteContext& context, const BolaTarget& entry) {
    auto& probe = context.probe;
    const auto& target = context.target;
    Random random;
    const auto& account = owner(context, entry);
    Placeholders placeholders{new_marker(random), nullptr, account.id};
    if (entry.plant) {
      const auto plant = send_prepared(probe, prepare(*entry.plant, target.api_key, placeholders));
      if (!accepted(plant)) {
        throw NoAnswer("planting the owner's object (" + entry.plant->method + " " + entry.plant->path + ") answered " +
                       std::to_string(plant.response.status));
      }
      const auto id = find_field(nlohmann::json::parse(plant.response.body, nullptr, false), "id");
      if (id) placeholders.id = *id;
    }
    const auto access = prepare(entry.access, target.second_api_key, placeholders);
    for (const auto* placeholder : {"{id}", "{owner.id}"}) {
      if (access.carries(placeholder)) {
        throw NoAnswer(std::string("no value for ") + placeholder + " (" +
                       (placeholder == std::string("{id}") ? "the planted object's answer has no id"
                                                           : "GET " + entry.owner + " with api_key gave no id") +
                       ")");
      }
    }
    const auto before = entry.watch ? read_watch(probe, *entry.watch, target.api_key) : 0;
    Sample out{send_prepared(probe, access), {}, {}};
    if (entry.watch) {
      const auto after = read_watch(probe, *entry.watch, target.api_key);
      if (after != before) {
        out.changed = "the owner's " + entry.watch->field + " moved " + std::to_string(before) + " -> " + std::to_string(after);
      }
    }
    if (accepted(out.access)) {
      const auto& body = out.access.response.body;
      const auto shows = [&](const std::string& secret) {
        return !secret.empty() && !access.carries(secret) && body.find(secret) != std::string::npos;
      };
      if (entry.plant && shows(placeholders.marker)) {
        out.leaked = "the owner's object (marker " + placeholders.marker + ")";
      } else if (shows(account.email)) {
        out.leaked = "the owner's e-mail";
      }
    }
    return out;
  }

  std::vector<Finding> probe_entry(SuiteContext& context, const BolaTarget& entry, std::string& detail) {
    std::vector<Finding> findings;
    if (context.target.second_api_key.empty()) {
      throw NoAnswer("needs credentials.second_api_key (another customer) to act as the other customer");
    }
    const auto first = sample(context, entry);
    detail = "the other customer's request answered " + std::to_string(first.access.response.status) +
             (first.leaked.empty() ? ", nothing of the owner's in it" : ", with " + first.leaked) +
             (entry.watch ? (first.changed.empty() ? "; the owner's " + entry.watch->field + " did not move" : "; " + first.changed)
                          : "");
    if (first.leaked.empty() && first.changed.empty()) return findings;
    const auto second = sample(context, entry);  // a new object, a new marker
    const auto report = [&](const char* subject, const std::string& what, const std::string& title) {
      auto finding = make_finding("RSOLV-BOLA-001", context.probe.location(entry.access.method, entry.access.path),
                                  what + "\n" + context.probe.evidence(second.access),
                                  "Another customer's object was " + title + " (" + entry.name + ")");
      finding.subject = subject;
      findings.push_back(std::move(finding));
    };
    if (!first.leaked.empty() && !second.leaked.empty()) {
      report("read", "with the second customer's key, the answer carried " + second.leaked, "readable");
    }
    if (!first.changed.empty() && !second.changed.empty()) {
      report("write", "after the second customer's request, " + second.changed, "changed");
    }
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_bola_suite() { return std::make_unique<BolaSuite>(); }

}  // namespace rsolv::security
