// Authentication: protected routes refuse missing, malformed, unknown and revoked keys with 401,
// never echo the key, and error responses do not leak stack traces, SQL or file paths. Every
// positive is confirmed by a second sample; leaks also by a control answer without the marker.
#include <regex>

#include "rsolv/common/random.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

// Stack traces, SQL text or server paths in an answer, with what the probe sent taken out first
// (an API that echoes its input is not leaking the probe's own text).
bool leaks_internals(std::string body, const std::string& sent) {
  if (sent.size() >= 4) {
    for (auto at = body.find(sent); at != std::string::npos; at = body.find(sent, at)) body.erase(at, sent.size());
  }
  static const std::regex markers(
      R"(Traceback \(most recent call last\)|\bat [a-zA-Z_.$]+\([A-Za-z]+\.java:\d+\)|\.(cpp|cc|ex|exs|rb|py|go):\d+|)"
      R"(/usr/(src|lib)/|/home/[a-z]+/|SELECT .+ FROM |INSERT INTO |SQLITE_|stack trace|std::|terminate called)",
      std::regex::icase);
  return std::regex_search(body, markers);
}

class AuthSuite final : public Suite {
 public:
  std::string_view name() const override { return "auth"; }
  std::string_view description() const override {
    return "missing, malformed, unknown and revoked keys get 401; keys never echoed; no internals in errors";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    auto& probe = context.probe;
    const auto& target = context.target;
    Random random;
    const auto unknown_key = "rsolv_" + random.base62(43);
    probe.add_sensitive(unknown_key);
    struct BadKey {
      std::string label;
      std::optional<std::string> value;
    };
    std::vector<BadKey> bad_keys = {{"missing key", std::nullopt},
                                    {"empty key", std::string()},
                                    {"malformed key", std::string("not-a-key' OR '1'='1")},
                                    {"unknown well-formed key", unknown_key}};
    if (!target.revoked_api_key.empty()) bad_keys.push_back({"revoked key", target.revoked_api_key.reveal()});

    for (const auto& endpoint : target.endpoints) {
      if (!endpoint.auth) continue;
      std::string path = endpoint.path;
      for (const auto& [param, value] : endpoint.query) path += (path == endpoint.path ? "?" : "&") + param + "=" + value;
      const auto location = probe.location(endpoint.method, endpoint.path);
      results.push_back(run_check(context, name(), endpoint.name + " refuses bad keys", [&](std::string& detail) {
        std::vector<Finding> findings;
        // Control: the valid key's answer. Markers it carries are the route's content, not a leak.
        const auto valid = probe.send_json(endpoint.method, path, endpoint.body, &target.api_key);
        const bool control_leaks = leaks_internals(valid.response.body, {});
        const auto with_key = [&](const BadKey& bad) {
          http::Headers headers;
          if (bad.value) headers.emplace_back("x-api-key", *bad.value);
          std::string body;
          if (!endpoint.body.is_null()) {
            headers.emplace_back("Content-Type", "application/json");
            body = endpoint.body.dump();
          }
          return probe.send(endpoint.method, path, headers, body);
        };
        for (const auto& bad : bad_keys) {
          const auto first = with_key(bad);
          const auto echoed = [&](const Exchange& e) {
            return bad.value && bad.value->size() >= 8 && e.response.body.find(*bad.value) != std::string::npos;
          };
          const auto leaked = [&](const Exchange& e) {
            return !control_leaks && leaks_internals(e.response.body, bad.value.value_or(""));
          };
          if (first.response.status == 401 && !echoed(first) && !leaked(first)) continue;
          // Confirmed only when a second sample does the same.
          const auto second = with_key(bad);
          if (first.response.status != 401 && second.response.status != 401) {
            auto finding = make_finding("RSOLV-AUTH-001", location, probe.evidence(second),
                                        "A " + bad.label + " got " + std::to_string(second.response.status) + ", not 401");
            finding.subject = bad.label;
            if (second.response.status >= 400 && second.response.status < 500) finding.severity = Severity::low;
            findings.push_back(std::move(finding));
          }
          if (echoed(first) && echoed(second)) {
            auto finding = make_finding("RSOLV-AUTH-002", location, probe.evidence(second));
            finding.subject = bad.label;
            findings.push_back(std::move(finding));
          }
          if (leaked(first) && leaked(second)) findings.push_back(make_finding("RSOLV-AUTH-003", location, probe.evidence(second)));
        }
        // The valid key itself must not come back either.
        const auto valid_echoed = [&](const Exchange& e) {
          return !target.api_key.empty() && e.response.body.find(target.api_key.reveal()) != std::string::npos;
        };
        if (valid_echoed(valid)) {
          const auto again = probe.send_json(endpoint.method, path, endpoint.body, &target.api_key);
          if (valid_echoed(again)) {
            auto finding = make_finding("RSOLV-AUTH-002", location, probe.evidence(again), "The valid API key was echoed");
            finding.subject = "valid key";
            findings.push_back(std::move(finding));
          }
        }
        detail = std::to_string(bad_keys.size()) + " bad keys refused with 401";
        return findings;
      }));
      if (endpoint.method == "POST") {
        results.push_back(run_check(context, name(), endpoint.name + " hides internals on malformed input", [&](std::string& detail) {
          // A generic 500 is not a leak; a stack trace, SQL text or a file path in it is, when a
          // second sample shows it again and a well-formed request's answer does not.
          std::vector<Finding> findings;
          const auto malformed = [&] {
            return probe.send(endpoint.method, endpoint.path,
                              {{"x-api-key", target.api_key.reveal()}, {"Content-Type", "application/json"}},
                              "{\"unterminated\": [1, 2,");
          };
          const auto first = malformed();
          detail = "malformed JSON answered " + std::to_string(first.response.status) + " without internals";
          if (!leaks_internals(first.response.body, {})) return findings;
          const auto second = malformed();
          const auto control = probe.send_json(endpoint.method, path, endpoint.body, &target.api_key);
          if (leaks_internals(second.response.body, {}) && !leaks_internals(control.response.body, {})) {
            findings.push_back(make_finding("RSOLV-AUTH-003", location, probe.evidence(second)));
          }
          return findings;
        }));
      }
    }
    return results;
  }
};

}  // namespace

std::unique_ptr<Suite> make_auth_suite() { return std::make_unique<AuthSuite>(); }

}  // namespace rsolv::security
