// Rate limits: the declared limit triggers within 2 %, the X-RateLimit-* headers are present and
// consistent on every response, 429 carries Retry-After, and one client's exhaustion leaves
// another client (key, or loopback source address for per-IP limits) untouched.
#include <cmath>
#include <functional>
#include <thread>

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

// X-RateLimit-<part> or the IETF draft's RateLimit-<part>.
std::optional<std::int64_t> limit_int(const Exchange& exchange, const std::string& part) {
  if (auto value = int_header(exchange, ("X-RateLimit-" + part).c_str())) return value;
  return int_header(exchange, ("RateLimit-" + part).c_str());
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
    auto exchange = probe.attempt(limit.method, limit.path, headers, body, source);
    if (exchange.response.status == 0) throw NoAnswer("the target stopped answering: " + exchange.transport_error);
    return exchange;
  }

  // A 429 is the limiter only when the limit's own headers say so; any other 429 is load shedding,
  // which is waited out (Retry-After, at most 2 s) and not counted.
  static bool is_limiter(const Exchange& exchange) {
    return exchange.response.status == 429 && has_rate_limit_headers(exchange.response);
  }
  static void wait_out(const Exchange& shed) {
    const auto value = shed.response.header("Retry-After");
    auto wait = value ? http::parse_retry_after(*value, std::chrono::system_clock::now()) : std::nullopt;
    if (!wait || *wait > std::chrono::milliseconds(2000)) {
      throw NoAnswer("429 without rate-limit headers (load shedding) asked for a wait over 2 s: Retry-After " +
                     value.value_or("absent"));
    }
    std::this_thread::sleep_for(*wait);
  }
  // One request from a client, load-shedding 429s waited out: at most 3 in a row, and at most
  // one in ten of the probe's bound (at least 5) in all.
  Exchange send_counted(SuiteContext& context, const LimitTarget& limit, const Secret* key, const std::string& source,
                        int& shed) {
    const auto shed_budget = std::max<std::int64_t>(5, limit.requests / 10);
    for (int tries = 0;; ++tries) {
      auto exchange = send(context, limit, key, source);
      if (exchange.response.status != 429 || is_limiter(exchange)) return exchange;
      if (++shed > shed_budget || tries >= 3) {
        throw NoAnswer("the target kept shedding load (" + std::to_string(shed) + " 429s without rate-limit headers)");
      }
      wait_out(exchange);
    }
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
    int shed = 0;
    std::optional<std::int64_t> previous_remaining;
    std::optional<Exchange> refused;
    std::string header_problem;
    Exchange last;
    for (std::int64_t i = 0; i < max_requests; ++i) {
      last = send_counted(context, limit, key, source, shed);
      const auto limit_header = limit_int(last, "Limit");
      const auto remaining = limit_int(last, "Remaining");
      const auto reset = limit_int(last, "Reset");
      if (header_problem.empty()) {
        if (!limit_header || !remaining || !reset) {
          header_problem = "response " + std::to_string(i + 1) + " lacks X-RateLimit-Limit/-Remaining/-Reset";
        } else if (*limit_header != limit.requests) {
          header_problem = "X-RateLimit-Limit is " + std::to_string(*limit_header) + ", declared " + std::to_string(limit.requests);
        } else if (previous_remaining && last.response.status != 429 && *remaining != *previous_remaining - 1) {
          header_problem = "X-RateLimit-Remaining went from " + std::to_string(*previous_remaining) + " to " +
                           std::to_string(*remaining) + " (must decrease by one)";
        } else if (*reset < now_unix() - 1 || *reset > now_unix() + limit.window_seconds + 1) {
          // Reset is an epoch second (X-RateLimit-Reset) or seconds from now (RateLimit-Reset).
          if (*reset < 0 || *reset > limit.window_seconds + 1) {
            header_problem = "X-RateLimit-Reset " + std::to_string(*reset) + " is not within the current window";
          }
        }
      }
      // Requests already counted in this window before the suite started, from the first answer.
      // The limiter's own Limit header is the base: the declared count may be what is wrong.
      if (i == 0 && remaining) {
        used_before = limit_header.value_or(limit.requests) - *remaining - (last.response.status == 429 ? 0 : 1);
      }
      if (is_limiter(last)) {
        refused = last;
        break;
      }
      previous_remaining = remaining;
      ++successes;
    }

    if (!refused) {
      // Confirmed by one more request past the bound. The header checks still run below: a limit
      // that never triggers says nothing about its headers.
      const auto extra = send_counted(context, limit, key, source, shed);
      if (!is_limiter(extra)) {
        findings.push_back(make_finding("RSOLV-RL-001", location,
                                        std::to_string(max_requests + 1) + " requests, none refused with 429\n" +
                                            probe.evidence(extra)));
        if (!header_problem.empty()) findings.push_back(make_finding("RSOLV-RL-003", location, header_problem + "\n" + probe.evidence(last)));
        detail = "no 429 after " + std::to_string(max_requests + 1) + " requests";
        return findings;
      }
      refused = extra;
      ++successes;
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

    // Isolation: another client must still get through; a limiter 429 there is confirmed by a
    // second sample.
    std::string isolation = "not checked (no second client)";
    std::function<Exchange()> other_client;
    if (limit.per == "api_key" && limit.auth && !context.target.second_api_key.empty()) {
      other_client = [&] { return send_counted(context, limit, &context.target.second_api_key, "", shed); };
      isolation = "second key";
    } else if (limit.per == "ip") {
      other_client = [&] { return send_counted(context, limit, key, "127.0.0.2", shed); };
      isolation = "source 127.0.0.2";
    }
    if (other_client) {
      const auto other = other_client();
      isolation += " answered " + std::to_string(other.response.status);
      if (is_limiter(other)) {
        const auto again = other_client();
        if (is_limiter(again)) findings.push_back(make_finding("RSOLV-RL-004", location, isolation + "\n" + probe.evidence(again)));
      }
    }
    detail = "429 after " + std::to_string(counted) + " requests (declared " + std::to_string(limit.requests) +
             "), Retry-After " + (retry_after ? std::to_string(*retry_after) : std::string("absent")) + "; " + isolation;
    if (shed > 0) detail += "; " + std::to_string(shed) + " load-shedding 429(s) waited out";
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_rate_limit_suite() { return std::make_unique<RateLimitSuite>(); }

}  // namespace rsolv::security
