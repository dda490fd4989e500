// Rate limits: the declared limit triggers within 2 %, the X-RateLimit-* headers are present and
// consistent on every response, 429 carries Retry-After, and one client's exhaustion leaves
// another client (key, or loopback source address for per-IP limits) untouched.
#include <cmath>

#include "rsolv/common/random.hpp"
#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

std::optional<std::int64_t> int_header(const Exchange& exchange, const char* name) {
  const auto value = exchange.response.header(name);
  if (!value) return std::nullopt;
  try {
    std::size_t used = 0;
    const auto number = std::stoll(*value, &used);
    if (used != value->size()) return std::nullopt;
    return number;
  } catch (...) {
    return std::nullopt;
  }
}

std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class RateLimitSuite final : public Suite {
 public:
  std::string_view name() const override { return "rate-limit"; }
  std::string_view description() const override {
    return "declared limits trigger within 2 %, X-RateLimit-* and Retry-After are consistent, clients are isolated";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    for (const auto& limit : context.target.limits) {
      results.push_back(run_check(context, name(), limit.name + " limit (" + std::to_string(limit.requests) + "/" +
                                                       std::to_string(limit.window_seconds) + " s)",
                                  [&](std::string& detail) { return exhaust(context, limit, detail); }));
    }
    return results;
  }

 private:
  Exchange send(SuiteContext& context, const LimitTarget& limit, const Secret* key, const std::string& source = {}) {
    auto& probe = context.probe;
    http::Headers headers;
    if (key && !key->empty()) headers.emplace_back("x-api-key", key->reveal());
    std::string body;
    if (!limit.body.is_null()) {
      headers.emplace_back("Content-Type", "application/json");
      body = limit.body.dump();
    }
    return probe.send(limit.method, limit.path, headers, body, source);
  }

  std::vector<Finding> exhaust(SuiteContext& context, const LimitTarget& limit, std::string& detail) {
    std::vector<Finding> findings;
    auto& probe = context.probe;
    const auto location = probe.location(limit.method, limit.path);
    const Secret* key = limit.auth ? &context.target.api_key : nullptr;
    // Per-IP limits are exhausted from a loopback address no other suite used, so earlier probes
    // do not skew the count; 127.0.0.2 then checks that another address is unaffected.
    const std::string source = limit.per == "ip" ? "127.0.0.3" : "";
    const auto tolerance = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(limit.requests * 0.02)));
    const auto max_requests = limit.requests + tolerance + 2;  // bounded: never more than this

    std::int64_t successes = 0, used_before = -1;
    std::optional<std::int64_t> previous_remaining;
    std::optional<Exchange> refused;
    std::string header_problem;
    Exchange last;
    for (std::int64_t i = 0; i < max_requests; ++i) {
      last = send(context, limit, key, source);
      if (last.response.status == 0) {
        detail = "the target stopped answering: " + last.transport_error;
        return findings;
      }
      const auto limit_header = int_header(last, "X-RateLimit-Limit");
      const auto remaining = int_header(last, "X-RateLimit-Remaining");
      const auto reset = int_header(last, "X-RateLimit-Reset");
      if (header_problem.empty()) {
        if (!limit_header || !remaining || !reset) {
          header_problem = "response " + std::to_string(i + 1) + " lacks X-RateLimit-Limit/-Remaining/-Reset";
        } else if (*limit_header != limit.requests) {
          header_problem = "X-RateLimit-Limit is " + std::to_string(*limit_header) + ", declared " + std::to_string(limit.requests);
        } else if (previous_remaining && last.response.status != 429 && *remaining != *previous_remaining - 1) {
          header_problem = "X-RateLimit-Remaining went from " + std::to_string(*previous_remaining) + " to " +
                           std::to_string(*remaining) + " (must decrease by one)";
        } else if (*reset < now_unix() - 1 || *reset > now_unix() + limit.window_seconds + 1) {
          header_problem = "X-RateLimit-Reset " + std::to_string(*reset) + " is not within the current window";
        }
      }
      // Requests already counted in this window before the suite started, from the first answer.
      if (i == 0 && remaining) used_before = limit.requests - *remaining - (last.response.status == 429 ? 0 : 1);
      if (last.response.status == 429) {
        refused = last;
        break;
      }
      previous_remaining = remaining;
      ++successes;
    }

    if (!refused) {
      findings.push_back(make_finding("RSOLV-RL-001", location,
                                      std::to_string(max_requests) + " requests, none refused with 429\n" + probe.evidence(last)));
      detail = "no 429 after " + std::to_string(max_requests) + " requests";
      return findings;
    }
    const auto counted = successes + std::max<std::int64_t>(0, used_before);
    if (std::llabs(counted - limit.requests) > tolerance) {
      findings.push_back(make_finding("RSOLV-RL-002", location,
                                      "429 after " + std::to_string(counted) + " requests in the window, declared " +
                                          std::to_string(limit.requests) + " (tolerance " + std::to_string(tolerance) + ")"));
    }
    const auto retry_after = int_header(*refused, "Retry-After");
    if (!retry_after || *retry_after < 0 || *retry_after > limit.window_seconds) {
      header_problem = header_problem.empty() ? "429 without a Retry-After within the window" : header_problem;
    }
    if (!header_problem.empty()) {
      findings.push_back(make_finding("RSOLV-RL-003", location, header_problem + "\n" + probe.evidence(*refused)));
    }

    // Isolation: another client must still get through.
    std::string isolation = "not checked (no second client)";
    std::optional<Exchange> other;
    if (limit.per == "api_key" && limit.auth && !context.target.second_api_key.empty()) {
      other = send(context, limit, &context.target.second_api_key);
      isolation = "second key answered " + std::to_string(other->response.status);
    } else if (limit.per == "ip") {
      other = send(context, limit, key, "127.0.0.2");
      isolation = "source 127.0.0.2 answered " + std::to_string(other->response.status);
    }
    if (other && other->response.status == 429) {
      findings.push_back(make_finding("RSOLV-RL-004", location, isolation + "\n" + probe.evidence(*other)));
    }
    detail = "429 after " + std::to_string(counted) + " requests (declared " + std::to_string(limit.requests) +
             "), Retry-After " + (retry_after ? std::to_string(*retry_after) : std::string("absent")) + "; " + isolation;
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_rate_limit_suite() { return std::make_unique<RateLimitSuite>(); }

}  // namespace rsolv::security
