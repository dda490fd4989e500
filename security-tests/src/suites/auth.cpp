// Authentication: protected routes refuse missing, malformed, unknown and revoked keys with 401,
// never echo the key, and error responses do not leak stack traces, SQL or file paths.
#include <regex>

#include "rsolv/common/random.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

bool leaks_internals(const std::string& body) {
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
      results.push_back(run_check(context, name(), endpoint.name + " refuses bad keys", [&](std::string& detail) {
        std::vector<Finding> findings;
        const auto location = probe.location(endpoint.method, endpoint.path);
        std::string path = endpoint.path;
        for (const auto& [param, value] : endpoint.query) path += (path == endpoint.path ? "?" : "&") + param + "=" + value;
        for (const auto& bad : bad_keys) {
          http::Headers headers;
          if (bad.value) headers.emplace_back("x-api-key", *bad.value);
          std::string body;
          if (!endpoint.body.is_null()) {
            headers.emplace_back("Content-Type", "application/json");
            body = endpoint.body.dump();
          }
          const auto exchange = probe.send(endpoint.method, path, headers, body);
          if (exchange.response.status != 401) {
            auto finding = make_finding("RSOLV-AUTH-001", location, probe.evidence(exchange),
                                        "A " + bad.label + " got " + std::to_string(exchange.response.status) + ", not 401");
            if (exchange.response.status >= 400 && exchange.response.status < 500) finding.severity = Severity::low;
            findings.push_back(std::move(finding));
          }
          if (bad.value && bad.value->size() >= 8 && exchange.response.body.find(*bad.value) != std::string::npos) {
            findings.push_back(make_finding("RSOLV-AUTH-002", location, probe.evidence(exchange)));
          }
          if (leaks_internals(exchange.response.body)) {
            findings.push_back(make_finding("RSOLV-AUTH-003", location, probe.evidence(exchange)));
          }
        }
        // The valid key itself must not come back either.
        const auto valid = probe.send_json(endpoint.method, path, endpoint.body, &target.api_key);
        if (!target.api_key.empty() && valid.response.body.find(target.api_key.reveal()) != std::string::npos) {
          findings.push_back(make_finding("RSOLV-AUTH-002", location, probe.evidence(valid), "The valid API key was echoed"));
        }
        detail = std::to_string(bad_keys.size()) + " bad keys refused with 401";
        return findings;
      }));
      if (endpoint.method == "POST") {
        results.push_back(run_check(context, name(), endpoint.name + " hides internals on malformed input", [&](std::string& detail) {
          std::vector<Finding> findings;
          const auto exchange = probe.send(endpoint.method, endpoint.path,
                                           {{"x-api-key", target.api_key.reveal()}, {"Content-Type", "application/json"}},
                                           "{\"unterminated\": [1, 2,");
          if (leaks_internals(exchange.response.body) || exchange.response.status >= 500) {
            findings.push_back(make_finding("RSOLV-AUTH-003", probe.location(endpoint.method, endpoint.path),
                                            probe.evidence(exchange)));
          }
          detail = "malformed JSON answered " + std::to_string(exchange.response.status);
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
