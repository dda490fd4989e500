// PCI DSS data exposure: card numbers must never come back, reach logs, or be accepted raw;
// account data must not be cacheable; HTTPS must send HSTS.
#include <functional>

#include "log_scan.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

// Stripe's test cards (Luhn-valid, never real accounts) in the forms people type them.
const std::vector<std::string>& probe_cards() {
  static const std::vector<std::string> cards = {"4242424242424242", "4000056655665556", "5555555555554444",
                                                 "378282246310005"};
  return cards;
}

std::string digits_of(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

// True when any probe card appears in text, also formatted with spaces or dashes.
std::optional<std::string> card_in(const std::string& text) {
  for (const auto& card : probe_cards()) {
    if (text.find(card) != std::string::npos) return card;
  }
  // Formatted forms: compare digit runs.
  const auto digits = digits_of(text);
  for (const auto& card : probe_cards()) {
    if (digits.find(card) != std::string::npos && text.find(card.substr(0, 4)) != std::string::npos) return card;
  }
  return std::nullopt;
}

std::string with_query(const Endpoint& endpoint, const std::string& name = {}, const std::string& value = {}) {
  std::string query;
  for (const auto& [key, original] : endpoint.query) {
    query += (query.empty() ? "?" : "&") + key + "=" + (key == name ? value : original);
  }
  return endpoint.path + query;
}

class PciSuite final : public Suite {
 public:
  std::string_view name() const override { return "pci"; }
  std::string_view description() const override {
    return "card data never echoed, logged or accepted raw; account data not cacheable; HSTS on HTTPS";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    for (const auto& endpoint : context.target.endpoints) {
      // The echo rule covers the inputs of payment endpoints, which must never hold a card number.
      // Free text the API returns by contract (a customer's name) is the client's to fill: its
      // echo is the contract, not card handling.
      if (endpoint.card_fields && (!endpoint.inputs.body.empty() || !endpoint.inputs.query.empty())) {
        results.push_back(card_echo_check(context, endpoint));
      }
      if (endpoint.card_fields) results.push_back(raw_card_check(context, endpoint));
      if (endpoint.account_data) results.push_back(cacheability_check(context, endpoint));
    }
    if (!context.target.logs.empty()) results.push_back(log_check(context));
    return results;
  }

 private:
  // Probe cards sent in each input of a payment endpoint must not come back (RSOLV-PCI-001).
  CheckResult card_echo_check(SuiteContext& context, const Endpoint& endpoint) {
    auto& probe = context.probe;
    const Secret* key = endpoint.auth ? &context.target.api_key : nullptr;
    return run_check(context, name(), "card numbers are not echoed by " + endpoint.name, [&](std::string& detail) {
      std::vector<Finding> findings;
      int sent = 0;
      const auto next_card = [&sent] { return probe_cards()[static_cast<std::size_t>(sent++) % probe_cards().size()]; };
      const auto report = [&](const std::string& input, const std::function<Exchange(const std::string&)>& send_value,
                              const std::string& original) {
        const auto first = send_value(next_card());
        if (!card_in(first.response.body)) return;
        // Confirmed: another card comes back too, and the original value's answer has none.
        const auto second = send_value(next_card());
        const auto control = send_value(original);
        if (card_in(second.response.body) && !card_in(control.response.body)) {
          auto finding = make_finding("RSOLV-PCI-001", probe.location(endpoint.method, endpoint.path),
                                      probe.evidence(second), "Card number sent in '" + input + "' was echoed");
          finding.subject = input;
          findings.push_back(std::move(finding));
        }
      };
      for (const auto& field : endpoint.inputs.body) {
        const auto original = endpoint.body[field].is_string() ? endpoint.body[field].get<std::string>() : endpoint.body[field].dump();
        report(field, [&](const std::string& value) {
          auto body = endpoint.body;
          body[field] = value;
          return probe.send_json(endpoint.method, with_query(endpoint), body, key);
        }, original);
      }
      for (const auto& param : endpoint.inputs.query) {
        report(param, [&](const std::string& value) {
          return probe.send_json(endpoint.method, with_query(endpoint, param, value), endpoint.body, key);
        }, endpoint.query.at(param));
      }
      detail = std::to_string(sent) + " card numbers sent in payment inputs; none came back";
      return findings;
    });
  }

  // card_number/cvc/exp fields must be refused (RSOLV-PCI-003) and not echoed (RSOLV-PCI-001).
  CheckResult raw_card_check(SuiteContext& context, const Endpoint& endpoint) {
    auto& probe = context.probe;
    const Secret* key = endpoint.auth ? &context.target.api_key : nullptr;
    return run_check(context, name(), "raw card fields are refused by " + endpoint.name, [&](std::string& detail) {
      std::vector<Finding> findings;
      auto body = endpoint.body.is_object() ? endpoint.body : nlohmann::json::object();
      body["card_number"] = "4242 4242 4242 4242";
      body["cvc"] = "737";
      body["exp_month"] = 12;
      body["exp_year"] = 2034;
      const auto raw = [&] { return probe.send_json(endpoint.method, with_query(endpoint), body, key); };
      const auto accepted = [](const Exchange& e) { return e.response.status >= 200 && e.response.status < 300; };
      const auto echoed = [](const Exchange& e) {
        return card_in(e.response.body) || e.response.body.find("\"737\"") != std::string::npos;
      };
      const auto first = raw();
      detail = "card_number/cvc/exp fields answered " + std::to_string(first.response.status);
      if (!accepted(first) && !echoed(first)) return findings;
      const auto second = raw();
      if (accepted(first) && accepted(second)) {
        findings.push_back(make_finding("RSOLV-PCI-003", probe.location(endpoint.method, endpoint.path),
                                        probe.evidence(second)));
      }
      if (echoed(first) && echoed(second)) {
        auto finding = make_finding("RSOLV-PCI-001", probe.location(endpoint.method, endpoint.path),
                                    probe.evidence(second), "Raw card data was echoed");
        finding.subject = "card_number";
        findings.push_back(std::move(finding));
      }
      return findings;
    });
  }

  // Account data needs Cache-Control: no-store (RSOLV-PCI-004) and, over HTTPS, HSTS (RSOLV-PCI-005).
  CheckResult cacheability_check(SuiteContext& context, const Endpoint& endpoint) {
    auto& probe = context.probe;
    const Secret* key = endpoint.auth ? &context.target.api_key : nullptr;
    const auto& target = context.target;
    return run_check(context, name(), endpoint.name + " is not cacheable", [&](std::string& detail) {
      std::vector<Finding> findings;
      const auto cacheable = [](const Exchange& e) {
        return e.response.status >= 200 && e.response.status < 300 &&
               e.response.header("Cache-Control").value_or("").find("no-store") == std::string::npos;
      };
      const auto no_hsts = [&](const Exchange& e) {
        return target.base_url.starts_with("https://") && !e.response.header("Strict-Transport-Security");
      };
      const auto first = probe.send_json(endpoint.method, with_query(endpoint), endpoint.body, key);
      const auto cache = first.response.header("Cache-Control").value_or("");
      detail = "Cache-Control: " + (cache.empty() ? std::string("(absent)") : cache);
      if (!cacheable(first) && !no_hsts(first)) return findings;
      const auto second = probe.send_json(endpoint.method, with_query(endpoint), endpoint.body, key);
      if (cacheable(first) && cacheable(second)) {
        findings.push_back(make_finding("RSOLV-PCI-004", probe.location(endpoint.method, endpoint.path),
                                        probe.evidence(second) + "\nCache-Control: " + (cache.empty() ? "(absent)" : cache)));
      }
      if (no_hsts(first) && no_hsts(second)) {
        findings.push_back(make_finding("RSOLV-PCI-005", probe.location(endpoint.method, endpoint.path),
                                        probe.evidence(second)));
      }
      return findings;
    });
  }

  // The probes' card data must not reach the target's logs (RSOLV-PCI-002).
  CheckResult log_check(SuiteContext& context) {
    auto& probe = context.probe;
    const auto& target = context.target;
    return run_check(context, name(), "no card data in the target's logs", [&](std::string& detail) {
      std::vector<Finding> findings;
      for (const auto& path : target.logs) {
        const auto scan = scan_log_lines(path, [&](std::string_view text, long number) {
          const std::string line(text);
          const bool cvv = line.find("\"cvc\":\"737\"") != std::string::npos || line.find("cvc=737") != std::string::npos;
          if (!card_in(line) && !cvv) return true;
          auto finding = make_finding("RSOLV-PCI-002", path + ":" + std::to_string(number),
                                      "log line " + std::to_string(number) + ": " + probe.redact(line.substr(0, 300)));
          finding.title = "Card data sent by the probes was written to " + path;
          findings.push_back(std::move(finding));
          return false;  // one finding per file is enough to act on
        });
        if (!scan.opened) detail += path + " unreadable; ";
        if (scan.limited) {
          detail += path + ": only " + std::to_string(scan.bytes_scanned) + " bytes scanned (limit " +
                    std::to_string(LogScanLimits{}.max_bytes) + " bytes per log); ";
        }
      }
      detail += std::to_string(target.logs.size()) + " log file(s) scanned";
      return findings;
    });
  }
};

}  // namespace

std::unique_ptr<Suite> make_pci_suite() { return std::make_unique<PciSuite>(); }

}  // namespace rsolv::security
