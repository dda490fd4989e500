// SQL injection, black box, with sqlmap's breadth of contexts: error-, boolean-, UNION- and
// time-based probes on every value of an endpoint's JSON body (nested ones too), every query
// parameter and every declared header. Each technique compares with a baseline, and every
// positive is confirmed (a second sample and a control that must not trigger) before it is
// reported, so ordinary validation errors, echoes, random tokens and jitter are not findings.
// Payloads only add read-only conditions; the number of requests per input is bounded (about 60,
// plus a few confirmations) and reported per check.
#include <fmt/format.h>

#include <algorithm>

#include "rsolv/common/random.hpp"
#include "rsolv/security/suite.hpp"
#include "sqli_payloads.hpp"

namespace rsolv::security {

namespace {

struct Injection {
  std::string where;  // "body field '/filter/org'", "query parameter 'org'", "header 'X-Org'"
  std::string original;
  std::function<Exchange(const std::string& value)> send;
  // The value as it went out: `${uuid}` in a body becomes a fresh UUID per request, and an echo
  // of that is what the answer holds.
  std::function<std::string(const Exchange& exchange, const std::string& value)> sent;
};

std::string as_sent(const Exchange&, const std::string& value) { return value; }

std::string with_query(const Endpoint& endpoint, const std::string& name, const std::string& value) {
  std::string query;
  for (const auto& [key, original] : endpoint.query) {
    query += (query.empty() ? "?" : "&") + key + "=" + sqli::url_encode(key == name ? value : original);
  }
  return endpoint.path + query;
}

// Every string or number leaf of a JSON document, as JSON pointers.
void leaves(const nlohmann::json& node, const nlohmann::json::json_pointer& at, std::vector<nlohmann::json::json_pointer>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) leaves(value, at / key, out);
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) leaves(node[i], at / i, out);
  } else if (node.is_string() || node.is_number()) {
    out.push_back(at);
  }
}

std::vector<Injection> injection_points(Probe& probe, const Target& target, const Endpoint& endpoint) {
  std::vector<Injection> points;
  const Secret* key = endpoint.auth ? &target.api_key : nullptr;
  std::vector<nlohmann::json::json_pointer> pointers;
  if (!endpoint.body.is_null()) leaves(endpoint.body, nlohmann::json::json_pointer(), pointers);
  for (const auto& pointer : pointers) {
    const auto& value = endpoint.body.at(pointer);
    const auto path = pointer.to_string();
    // Top-level fields keep their plain name; nested ones show their JSON pointer.
    const auto label = std::count(path.begin(), path.end(), '/') == 1 ? path.substr(1) : path;
    points.push_back({"body field '" + label + "'", value.is_string() ? value.get<std::string>() : value.dump(),
                      [&probe, &endpoint, key, pointer](const std::string& injected) {
                        auto body = endpoint.body;
                        body[pointer] = injected;
                        return probe.send_json(endpoint.method, with_query(endpoint, "", ""), body, key);
                      },
                      [pointer](const Exchange& exchange, const std::string& value) {
                        const auto body = nlohmann::json::parse(exchange.request.body, nullptr, false);
                        return !body.is_discarded() && body.contains(pointer) && body.at(pointer).is_string()
                                   ? body.at(pointer).get<std::string>()
                                   : value;
                      }});
  }
  for (const auto& [param, original] : endpoint.query) {
    points.push_back({"query parameter '" + param + "'", original, [&probe, &endpoint, key, param = param](const std::string& injected) {
                        return probe.send_json(endpoint.method, with_query(endpoint, param, injected), endpoint.body, key);
                      },
                      as_sent});
  }
  for (const auto& header : endpoint.inputs.headers) {
    points.push_back({"header '" + header + "'", "probe", [&probe, &endpoint, key, header](const std::string& injected) {
                        return probe.send_json(endpoint.method, with_query(endpoint, "", ""), endpoint.body, key,
                                               {{header, injected}});
                      },
                      as_sent});
  }
  return points;
}

struct Answer {
  Exchange exchange;
  std::string shape;
  bool like(const Answer& other) const {
    return sqli::similar(exchange.response.status, shape, other.exchange.response.status, other.shape);
  }
};

double seconds(const Exchange& exchange) { return static_cast<double>(exchange.elapsed.count()) / 1e6; }

class SqliSuite final : public Suite {
 public:
  std::string_view name() const override { return "sqli"; }
  std::string_view description() const override {
    return "error-, boolean-, UNION- and time-based SQL injection in 11 quote contexts on every input";
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
    // Every answer's shape leaves out the value sent and the original value: the original may
    // come back in result rows whatever condition follows it.
    const auto answer = [&](const std::string& value) {
      auto exchange = point.send(value);
      auto answer_shape = sqli::shape(exchange.response.body, {point.sent(exchange, value), value, point.original});
      return Answer{std::move(exchange), std::move(answer_shape)};
    };
    const auto found = [&](const char* rule, const std::string& evidence, const std::string& how) {
      auto finding = make_finding(rule, location, evidence, how + " SQL injection in " + point.where);
      finding.subject = point.where;
      findings.push_back(std::move(finding));
    };
    const auto base = answer(point.original);
    const auto base_again = answer(point.original);
    const bool stable = base.like(base_again);
    const auto error_in = [&](const Exchange& e, const std::string& sent) {
      return sqli::has_sql_error(sqli::without_echoes(e.response.body, {point.sent(e, sent), sent}));
    };
    std::vector<std::string> notes;

    // Error-based: a literal-breaking value surfaces a database error the baseline did not have;
    // confirmed by a second sample.
    if (!sqli::has_sql_error(base.exchange.response.body)) {
      for (const auto& payload : sqli::error_payloads(point.original)) {
        const auto first = point.send(payload);
        if (!error_in(first, payload)) continue;
        const auto second = point.send(payload);
        if (error_in(second, payload)) {
          found("RSOLV-SQLI-001", probe.evidence(second), "Error-based");
          break;
        }
      }
    } else {
      notes.push_back("the baseline itself shows database errors: error technique skipped");
    }

    // Boolean-based: in some context, the true condition answers like the baseline and the false
    // one differently; confirmed by asking both again.
    if (stable) {
      for (const auto& context : sqli::boolean_contexts()) {
        const auto truthy = answer(context.with(point.original, "1=1"));
        if (!truthy.like(base)) continue;
        const auto falsy = answer(context.with(point.original, "1=2"));
        if (falsy.like(base) || falsy.like(truthy)) continue;
        const auto truthy_again = answer(context.with(point.original, "2=2"));
        const auto falsy_again = answer(context.with(point.original, "2=3"));
        if (truthy_again.like(base) && !falsy_again.like(base)) {
          found("RSOLV-SQLI-002", "context: " + context.name + "; the true condition answered like the baseline, the false one:\n" +
                                      probe.evidence(falsy_again.exchange),
                "Boolean-based");
          break;
        }
      }
    } else {
      notes.push_back("two identical requests answered differently: boolean technique skipped");
    }

    // UNION-based: a marker selected by an injected UNION comes back outside any echo of the
    // payload; confirmed with a second, fresh marker.
    Random random;
    const auto union_hit = [&](const sqli::Context& context, int columns) {
      const auto marker = "rsolvu" + random.base62(10);
      const auto payload = sqli::union_payload(point.original, context, columns, marker);
      const auto exchange = point.send(payload);
      const bool hit =
          sqli::without_echoes(exchange.response.body, {point.sent(exchange, payload), payload}).find(marker) != std::string::npos;
      return std::make_pair(hit, exchange);
    };
    bool union_found = false;
    for (const auto& context : sqli::union_contexts()) {
      for (int columns = 1; columns <= 4 && !union_found; ++columns) {
        if (!union_hit(context, columns).first) continue;
        const auto [again, exchange] = union_hit(context, columns);
        if (again) {
          found("RSOLV-SQLI-004", fmt::format("context: {}; UNION SELECT of {} column(s) returned the marker\n{}", context.name,
                                              columns, probe.evidence(exchange)),
                "UNION-based");
          union_found = true;
        }
      }
      if (union_found) break;
    }

    // Time-based: a bounded delay (2 s sleep, or SQLite's count to three million) slows the answer;
    // confirmed by a second slow sample and a fast control of the same shape asking for none.
    const double base_seconds = std::min(seconds(base.exchange), seconds(base_again.exchange));
    bool time_found = false;
    for (const auto& context : sqli::time_contexts()) {
      for (const auto& payload : sqli::time_payloads(point.original, context)) {
        const bool heavy = payload.database == "SQLite";
        const double threshold = base_seconds + (heavy ? 0.3 : 1.6);
        const auto first = point.send(payload.slow);
        if (seconds(first) < threshold) continue;
        const auto control = point.send(payload.control);
        const auto second = point.send(payload.slow);
        if (seconds(second) >= threshold && seconds(control) < threshold) {
          found("RSOLV-SQLI-003",
                fmt::format("context: {}, {}: baseline {} ms, control {} ms, delay payload {} and {} ms\n{}", context.name,
                            payload.database, static_cast<int>(base_seconds * 1000), static_cast<int>(seconds(control) * 1000),
                            static_cast<int>(seconds(first) * 1000), static_cast<int>(seconds(second) * 1000),
                            probe.evidence(second)),
                "Time-based");
          time_found = true;
          break;
        }
      }
      if (time_found) break;
    }

    detail = fmt::format("baseline {}; error, boolean ({} contexts), UNION and time payloads", base.exchange.response.status,
                         sqli::boolean_contexts().size());
    detail += findings.empty() ? " answered without signs of injection" : "";
    for (const auto& note : notes) detail += "; " + note;
    return findings;
  }
};

}  // namespace

std::unique_ptr<Suite> make_sqli_suite() { return std::make_unique<SqliSuite>(); }

}  // namespace rsolv::security
