// Mass assignment (OWASP API3:2023, broken object property level authorization): a request that
// creates or updates an account, sent with privileged fields added (a balance, a plan, billing
// state), must not change them. Each field is judged on the account as read back afterwards,
// against a control request without the extra fields, and confirmed by a second sample.
#include "declared_request.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

class MassAssignmentSuite final : public Suite {
 public:
  std::string_view name() const override { return "mass-assignment"; }
  std::string_view description() const override {
    return "privileged fields (balance, plan, billing) sent on onboarding and updates do not change the account";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    for (const auto& entry : context.target.mass_assignment) {
      results.push_back(run_check(context, name(), entry.name + " ignores privileged fields", [&](std::string& detail) {
        return probe_entry(context, entry, detail);
      }));
    }
    return results;
  }

 private:
  struct Written {
    Exchange write;
    std::optional<nlohmann::json> account;  // as read back; nullopt when the write was refused
  };

  // Sends the write with `body`, then reads the account it touched.
  Written write_and_read(SuiteContext& context, const MassAssignmentTarget& entry, const nlohmann::json& body) {
    auto& probe = context.probe;
    const Secret* key = entry.auth ? &context.target.api_key : nullptr;
    Written outcome{probe.send_json(entry.method, entry.path, body, key), std::nullopt};
    const auto status = outcome.write.response.status;
    if (status < 200 || status >= 300) return outcome;
    Secret read_key = context.target.api_key;
    if (!entry.key_field.empty()) {
      const auto answer = nlohmann::json::parse(outcome.write.response.body, nullptr, false);
      const auto found = find_field(answer, entry.key_field);
      if (!found || !found->is_string()) throw NoAnswer("the answer to " + entry.method + " " + entry.path + " has no '" + entry.key_field + "' to read the account with");
      read_key = Secret(found->get<std::string>());
      probe.add_sensitive(found->get<std::string>());
    }
    const auto read = probe.send_json("GET", entry.read, nullptr, &read_key);
    auto account = nlohmann::json::parse(read.response.body, nullptr, false);
    if (read.response.status != 200 || !account.is_object()) {
      throw NoAnswer("reading the account back (GET " + entry.read + ") answered " + std::to_string(read.response.status));
    }
    if (account.contains("customer") && account["customer"].is_object()) account = account["customer"];
    outcome.account = std::move(account);
    return outcome;
  }

  std::vector<Finding> probe_entry(SuiteContext& context, const MassAssignmentTarget& entry, std::string& detail) {
    std::vector<Finding> findings;
    auto& probe = context.probe;
    const auto control = write_and_read(context, entry, entry.body);
    if (!control.account) {
      throw NoAnswer("the control request (without privileged fields) answered " +
                     std::to_string(control.write.response.status) + ": nothing to compare with");
    }
    auto attack_body = entry.body;
    for (const auto& [field, value] : entry.fields.items()) attack_body[field] = value;
    // A field the account already holds with the injected value proves nothing.
    std::vector<std::string> changed;
    const auto changed_fields = [&](const Written& attack) {
      std::vector<std::string> out;
      if (!attack.account) return out;
      for (const auto& [field, value] : entry.fields.items()) {
        const bool was = control.account->contains(field) && (*control.account)[field] == value;
        if (!was && attack.account->contains(field) && (*attack.account)[field] == value) out.push_back(field);
      }
      return out;
    };
    const auto first = write_and_read(context, entry, attack_body);
    detail = "with privileged fields: " + std::to_string(first.write.response.status) +
             (first.account ? ", account read back unchanged" : " (refused)");
    const auto suspects = changed_fields(first);
    if (suspects.empty()) return findings;
    const auto second = write_and_read(context, entry, attack_body);
    const auto confirmed = changed_fields(second);
    for (const auto& field : suspects) {
      if (std::find(confirmed.begin(), confirmed.end(), field) == confirmed.end()) continue;
      auto finding = make_finding("RSOLV-MA-001", probe.location(entry.method, entry.path),
                                  "'" + field + "' sent as " + entry.fields[field].dump() + " was read back from GET " +
                                      entry.read + " as " + (*second.account)[field].dump() + " (control: " +
                                      control.account->value(field, nlohmann::json()).dump() + ")\n" +
                                      probe.evidence(second.write),
                                  "Privileged field '" + field + "' was assigned from the request");
      finding.subject = field;
      findings.push_back(std::move(finding));
    }
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_mass_assignment_suite() { return std::make_unique<MassAssignmentSuite>(); }

}  // namespace rsolv::security
