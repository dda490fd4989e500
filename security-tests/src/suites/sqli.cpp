// SQL injection, black box: error-based, boolean-based and time-based probes on every declared
// input, each compared with a baseline so that ordinary validation errors are not findings.
// Payloads only add read-only conditions: none of them can modify data.
#include <algorithm>
#include <array>
#include <regex>

#include "rsolv/security/suite.hpp"

namespace rsolv::security {

namespace {

// Database error messages that must never reach a client.
bool has_sql_error(const std::string& body) {
  static const std::regex signatures(
      R"(SQLITE_ERROR|sqlite3\.|unrecognized token|near ".*": syntax error|SQL logic error|syntax error at or near|)"
      R"(unterminated quoted string|You have an error in your SQL syntax|PG::SyntaxError|ORA-\d{5}|)"
      R"(Unclosed quotation mark|SQLSTATE\[|Ecto\.Query|Postgrex\.Error)",
      std::regex::icase);
  return std::regex_search(body, signatures);
}

struct Injection {
  std::string where;  // "body field x" or "query parameter y"
  std::function<Exchange(const std::string& value)> send;
  std::string original;
};

std::string with_query(const Endpoint& endpoint, const std::string& name, const std::string& value) {
  std::string query;
  for (const auto& [key, original] : endpoint.query) {
    std::string encoded;
    for (unsigned char c : key == name ? value : original) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        encoded += static_cast<char>(c);
      } else {
        static constexpr char kHex[] = "0123456789ABCDEF";
        encoded += '%';
        encoded += kHex[c >> 4];
        encoded += kHex[c & 15];
      }
    }
    query += (query.empty() ? "?" : "&") + key + "=" + encoded;
  }
  return endpoint.path + query;
}

std::vector<Injection> injection_points(Probe& probe, const Target& target, const Endpoint& endpoint) {
  std::vector<Injection> points;
  const Secret* key = endpoint.auth ? &target.api_key : nullptr;
  for (const auto& field : endpoint.inputs.body) {
    points.push_back({"body field '" + field + "'",
                      [&probe, &endpoint, key, field](const std::string& value) {
                        auto body = endpoint.body;
                        body[field] = value;
                        return probe.send_json(endpoint.method, with_query(endpoint, "", ""), body, key);
                      },
                      endpoint.body[field].is_string() ? endpoint.body[field].get<std::string>() : endpoint.body[field].dump()});
  }
  for (const auto& param : endpoint.inputs.query) {
    points.push_back({"query parameter '" + param + "'",
                      [&probe, &endpoint, key, param](const std::string& value) {
                        return probe.send_json(endpoint.method, with_query(endpoint, param, value), endpoint.body, key);
                      },
                      endpoint.query.at(param)});
  }
  for (const auto& header : endpoint.inputs.headers) {
    points.push_back({"header '" + header + "'",
                      [&probe, &endpoint, key, header](const std::string& value) {
                        return probe.send_json(endpoint.method, with_query(endpoint, "", ""), endpoint.body, key,
                                               {{header, value}});
                      },
                      "probe"});
  }
  return points;
}

// What a response looks like with the input it echoes, its random tokens and its varying numbers
// (ids, counts, timestamps) taken out: an endpoint that stores and echoes a name must not look injectable just
// because a longer name makes a longer answer.
std::string shape(const Exchange& exchange, const std::string& sent) {
  std::string body = exchange.response.body;
  const auto escaped = nlohmann::json(sent).dump();
  for (const auto& echo : {sent, escaped.substr(1, escaped.size() - 2)}) {
    if (echo.empty()) continue;
    for (auto at = body.find(echo); at != std::string::npos; at = body.find(echo, at)) body.erase(at, echo.size());
  }
  // Random tokens (keys, UUIDs) first, then numbers: both vary between identical requests.
  static const std::regex token("[A-Za-z0-9_-]{16,}");
  static const std::regex digits("[0-9]+");
  return std::regex_replace(std::regex_replace(body, token, "T"), digits, "0");
}

struct Answer {
  Exchange exchange;
  std::string shape;
};

// Two answers "look the same" when status matches and their shapes' lengths are within 5 %.
bool similar(const Answer& a, const Answer& b) {
  if (a.exchange.response.status != b.exchange.response.status) return false;
  const auto la = static_cast<double>(a.shape.size()), lb = static_cast<double>(b.shape.size());
  return std::abs(la - lb) <= std::max(8.0, 0.05 * std::max(la, lb));
}

constexpr double kDelaySeconds = 2.0;

class SqliSuite final : public Suite {
 public:
  std::string_view name() const override { return "sqli"; }
  std::string_view description() const override {
    return "error-, boolean- and time-based SQL injection probes on every declared input";
  }

  std::vector<CheckResult> run(SuiteContext& context) override {
    std::vector<CheckResult> results;
    for (const auto& endpoint : context.target.endpoints) {
      for (auto& point : injection_points(context.probe, context.target, endpoint)) {
        results.push_back(run_check(context, name(), endpoint.name + " " + point.where, [&](std::string& detail) {
          return probe_point(context.probe, endpoint, point, detail);
        }));
      }
    }
    return results;
  }

 private:
  std::vector<Finding> probe_point(Probe& probe, const Endpoint& endpoint, Injection& point, std::string& detail) {
    std::vector<Finding> findings;
    const auto location = probe.location(endpoint.method, endpoint.path);
    const auto answer = [&point](const std::string& value) {
      auto exchange = point.send(value);
      auto answer_shape = shape(exchange, value);
      return Answer{std::move(exchange), std::move(answer_shape)};
    };
    const auto baseline_answer = answer(point.original);
    const auto baseline_again_answer = answer(point.original);
    const auto& baseline = baseline_answer.exchange;
    const auto& baseline_again = baseline_again_answer.exchange;
    const bool stable = similar(baseline_answer, baseline_again_answer);
    std::string inconclusive;

    // Error-based: a lone quote must not surface a database error the baseline did not have.
    if (!has_sql_error(baseline.response.body)) {
      for (const std::string& payload : {point.original + "'", point.original + "\"", point.original + "')"}) {
        const auto exchange = point.send(payload);
        if (has_sql_error(exchange.response.body)) {
          findings.push_back(make_finding("RSOLV-SQLI-001", location, probe.evidence(exchange),
                                          "Database error after a quote in " + point.where));
          break;
        }
      }
    }
    // Boolean-based: a true condition answers like the baseline, a false one differently.
    if (stable) {
      const auto truthy = answer(point.original + "' AND '1'='1");
      const auto falsy = answer(point.original + "' AND '1'='2");
      const auto truthy_num = answer(point.original + " AND 1=1");
      const auto falsy_num = answer(point.original + " AND 1=2");
      const auto& base = baseline_answer;
      // A 429 (or no answer) halfway through says nothing about SQL: the verdict would compare a
      // rate limiter with a query.
      const auto refused = [](const Answer& a) { return a.exchange.response.status == 429 || a.exchange.response.status == 0; };
      if (refused(base) || refused(truthy) || refused(falsy) || refused(truthy_num) || refused(falsy_num)) {
        inconclusive = "boolean probe inconclusive (rate-limited or no answer); ";
      } else if ((similar(truthy, base) && !similar(falsy, base)) ||
          (similar(truthy_num, base) && !similar(falsy_num, base) && !similar(truthy_num, falsy_num))) {
        const auto& shown = similar(truthy, base) ? falsy.exchange : falsy_num.exchange;
        findings.push_back(make_finding("RSOLV-SQLI-002", location,
                                        "true condition answered like the baseline; false condition:\n" + probe.evidence(shown),
                                        "Boolean-based SQL injection in " + point.where));
      }
    }
    // Time-based: bounded delays, confirmed twice so a slow moment is not a finding.
    const double base_seconds = std::min(baseline.elapsed, baseline_again.elapsed).count() / 1e6;
    const std::array<std::string, 4> delays = {
        point.original + "' AND (SELECT 1 FROM pg_sleep(2)) IS NOT NULL AND '1'='1",
        point.original + "' AND SLEEP(2) AND '1'='1",
        point.original + "'; WAITFOR DELAY '0:0:2'--",
        // SQLite has no sleep: sqlmap's heavy query (tens of MB of random bytes to hex-encode).
        point.original + "' AND 1=LIKE('ABCDEFG',UPPER(HEX(RANDOMBLOB(60000000)))) AND '1'='1"};
    for (const auto& payload : delays) {
      const auto first = point.send(payload);
      const double seconds = first.elapsed.count() / 1e6;
      const bool heavy = payload.find("RANDOMBLOB") != std::string::npos;
      const double threshold = heavy ? base_seconds + 0.25 : base_seconds + kDelaySeconds * 0.8;
      if (seconds < threshold) continue;
      const auto second = point.send(payload);
      const auto control = point.send(point.original);
      if (second.elapsed.count() / 1e6 >= threshold && control.elapsed.count() / 1e6 < threshold) {
        findings.push_back(make_finding("RSOLV-SQLI-003", location,
                                        "baseline " + std::to_string(static_cast<int>(base_seconds * 1000)) +
                                            " ms; with the delay payload " +
                                            std::to_string(static_cast<int>(seconds * 1000)) + " ms\n" +
                                            probe.evidence(second),
                                        "Time-based SQL injection in " + point.where));
        break;
      }
    }
    detail = inconclusive + "baseline " + std::to_string(baseline.response.status) +
             ", error/boolean/time payloads answered without signs of injection";
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_sqli_suite() { return std::make_unique<SqliSuite>(); }

}  // namespace rsolv::security
