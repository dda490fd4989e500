// Business logic: a valid request (the control, which must be accepted) is sent again with an
// absurd number in one field (negative, zero, beyond 64 bits, fractional), which must be refused
// (OWASP API8:2023); and an Idempotency-Key that was used is replayed with another body, which
// must be refused too, not answered with the first request's result or applied again (API6:2023).
// Each positive is confirmed by a second sample with a fresh marker (and a fresh key).
#include "declared_request.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

nlohmann::json absurd_value(const std::string& kind) {
  if (kind == "negative") return -1;
  if (kind == "zero") return 0;
  if (kind == "huge") return static_cast<std::uint64_t>(1) << 63;  // one past the largest signed 64-bit integer
  return 1.5;                                                      // fractional
}

class BusinessLogicSuite final : public Suite {
 public:
  std::string_view name() const override { return "business-logic"; }
  std::string_view description() const override {
    return "negative, zero, huge and fractional numbers refused; an idempotency key replayed with another body refused";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    for (const auto& entry : context.target.business_logic) {
      for (const auto& field : entry.fields) {
        results.push_back(run_check(context, name(), entry.name + ": absurd values of " + field + " are refused",
                                    [&](std::string& detail) { return check_field(context, entry, field, detail); }));
      }
      if (!entry.idempotency_header.empty()) {
        results.push_back(run_check(context, name(),
                                    entry.name + ": a replayed " + entry.idempotency_header + " with another body is refused",
                                    [&](std::string& detail) { return check_idempotency(context, entry, detail); }));
      }
    }
    return results;
  }

 private:
  Random random_;

  // `spec` ready to send with a fresh ${marker}.
  PreparedRequest fresh(const SuiteContext& context, const RequestSpec& spec) {
    return prepare(spec, context.target.api_key, Placeholders{new_marker(random_), nullptr, {}});
  }

  std::vector<Finding> check_field(SuiteContext& context, const BusinessLogicTarget& entry, const std::string& field,
                                   std::string& detail) {
    std::vector<Finding> findings;
    auto& probe = context.probe;
    const auto control = send_prepared(probe, fresh(context, entry.request));
    if (!accepted(control)) {
      throw NoAnswer("the valid request (the control) answered " + std::to_string(control.response.status) +
                     ": a refusal of absurd values would prove nothing");
    }
    detail = "valid: " + std::to_string(control.response.status);
    const auto pointer = nlohmann::json::json_pointer(field);
    const auto with_value = [&](const nlohmann::json& value) {
      auto spec = entry.request;
      spec.body[pointer] = value;
      return fresh(context, spec);
    };
    for (const auto& kind : entry.values) {
      const auto value = absurd_value(kind);
      const auto before = entry.watch ? read_watch(probe, *entry.watch, context.target.api_key) : 0;
      const auto first = send_prepared(probe, with_value(value));
      detail += ", " + kind + " (" + value.dump() + "): " + std::to_string(first.response.status);
      if (!accepted(first)) continue;
      const auto second = send_prepared(probe, with_value(value));
      if (!accepted(second)) continue;
      std::string moved;
      if (entry.watch) {
        const auto after = read_watch(probe, *entry.watch, context.target.api_key);
        if (after != before) moved = "; " + entry.watch->field + " moved " + std::to_string(before) + " -> " + std::to_string(after);
      }
      auto finding = make_finding("RSOLV-BL-001", probe.location(entry.request.method, entry.request.path),
                                  field + " = " + value.dump() + " was accepted twice (" +
                                      std::to_string(second.response.status) + ")" + moved + "\n" + probe.evidence(second),
                                  "A " + kind + " " + field + " was accepted (" + entry.name + ")");
      finding.subject = field + " " + kind;
      findings.push_back(std::move(finding));
    }
    return findings;
  }

  // Sends the request with a fresh key, then another body with the same key: the second answer.
  std::pair<Exchange, Exchange> replay(SuiteContext& context, const BusinessLogicTarget& entry) {
    const auto key = "rsolv-security-" + random_.hex(24);
    const auto with_key = [&](PreparedRequest request) {
      std::erase_if(request.headers, [&](const auto& header) { return http::iequals(header.first, entry.idempotency_header); });
      request.headers.emplace_back(entry.idempotency_header, key);
      return request;
    };
    auto first = send_prepared(context.probe, with_key(fresh(context, entry.request)));
    if (!accepted(first)) {
      throw NoAnswer("the first request with a new " + entry.idempotency_header + " answered " +
                     std::to_string(first.response.status) + ": there is nothing to replay");
    }
    auto other = send_prepared(context.probe, with_key(fresh(context, entry.request)));  // a new marker: another body
    return {std::move(first), std::move(other)};
  }

  std::vector<Finding> check_idempotency(SuiteContext& context, const BusinessLogicTarget& entry, std::string& detail) {
    std::vector<Finding> findings;
    const auto [first, other] = replay(context, entry);
    const auto describe = [](const Exchange& exchange) {
      return std::to_string(exchange.response.status) +
             (exchange.response.header("Idempotent-Replayed") ? " (replayed the first answer)" : "");
    };
    detail = "first body: " + std::to_string(first.response.status) + ", another body with the same key: " + describe(other);
    if (!accepted(other)) return findings;
    const auto [again_first, again_other] = replay(context, entry);
    if (!accepted(again_other)) return findings;
    auto finding = make_finding("RSOLV-BL-002", context.probe.location(entry.request.method, entry.request.path),
                                "the same " + entry.idempotency_header + " with another body answered " +
                                    describe(again_other) + " instead of 422\n" + context.probe.evidence(again_other));
    finding.subject = entry.idempotency_header;
    findings.push_back(std::move(finding));
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_business_logic_suite() { return std::make_unique<BusinessLogicSuite>(); }

}  // namespace rsolv::security
